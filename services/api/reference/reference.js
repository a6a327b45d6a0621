// @ts-check
// The API reference page: Swagger UI (loaded before this file from the platform itself) over
// the document the page names in data-spec-url. No network beyond this origin.

const root = /** @type {HTMLElement} */ (document.getElementById('swagger-ui'));
/** @type {any} Swagger UI's global, from swagger-ui-bundle.js (no types shipped). */
const SwaggerUIBundle = /** @type {any} */ (window).SwaggerUIBundle;

SwaggerUIBundle({
  url: root.dataset.specUrl,
  domNode: root,
  deepLinking: true,
  docExpansion: 'list',
  defaultModelsExpandDepth: 0,
  tryItOutEnabled: false,
  // No validator badge: it would send the document to an outside service.
  validatorUrl: null,
});
