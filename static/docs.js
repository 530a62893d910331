// Starts Swagger UI (vendored from the npm package swagger-ui-dist, see static/swagger-ui/VERSION)
// on hospes's own OpenAPI document. validatorUrl: null keeps it from asking an outside validator;
// the page's Content-Security-Policy (default-src 'self') forbids any other request off the machine.
window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: "/openapi.yaml",
    dom_id: "#swagger-ui",
    validatorUrl: null,
    deepLinking: true,
    tryItOutEnabled: false,
  });
});
