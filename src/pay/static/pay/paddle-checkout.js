// Starts Paddle.js with the settings {% paddle_js %} rendered, and opens the checkout
// overlay for any element carrying data-pay-paddle-checkout (see {% paddle_checkout_button %}).
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("pay-paddle-config").textContent);
  if (config.environment === "sandbox") {
    Paddle.Environment.set("sandbox");
  }
  Paddle.Initialize({ token: config.token, checkout: config.checkout });

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-pay-paddle-checkout]");
    if (!button) {
      return;
    }
    event.preventDefault();
    Paddle.Checkout.open(JSON.parse(button.getAttribute("data-pay-paddle-checkout")));
  });
})();
