// Swagger UI (served from /assets) over our OpenAPI document: try each named query in the browser.
(function () {
  "use strict";
  var holder = document.getElementById("swagger-ui");
  if (!window.SwaggerUIBundle || !holder) return;
  SwaggerUIBundle({ url: holder.getAttribute("data-spec"), domNode: holder, deepLinking: false,
                    defaultModelsExpandDepth: 0, tryItOutEnabled: true });
})();
