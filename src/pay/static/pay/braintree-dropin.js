// Shows Braintree's Drop-in UI in #pay-braintree-dropin, authorized by the client token the
// page rendered, and posts the form with the nonce of the payment method the buyer chose.
(function () {
  "use strict";
  var form = document.getElementById("pay-braintree-checkout");
  var authorization = JSON.parse(document.getElementById("pay-braintree-client-token").textContent);
  braintree.dropin.create(
    { authorization: authorization, container: "#pay-braintree-dropin" },
    function (createError, dropin) {
      if (createError) {
        throw createError;
      }
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        dropin.requestPaymentMethod(function (error, payload) {
          if (error) {
            return; // the Drop-in UI shows what is missing
          }
          form.elements.payment_method_nonce.value = payload.nonce;
          form.submit();
        });
      });
    }
  );
})();
