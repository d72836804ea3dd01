/*
 * The queue stub a site may put before the tag, so customerlab(...) calls made before the tag has
 * loaded are kept (the tag replays them in order). Inline it in a <script>:
 */
window.customerlab = window.customerlab || function () { (window.customerlab.q = window.customerlab.q || []).push(arguments) }
