// Card payments with Stripe on the order page.
//
// The page renders a box marked `data-stripe-pay` (with the order id, Stripe.js's
// address and the publishable key) whenever an order waits for payment and
// the shop takes Stripe. This script finds the box once the app has hydrated
// the page — on a first load, and whenever the app shows the box again — and,
// when the shopper asks to pay by card, loads Stripe.js and mounts Stripe's
// card field in it. Card data goes from that field to Stripe only; the shop's
// server gets a payment method id, confirms the payment with Stripe, and the
// browser runs 3-D Secure when Stripe asks for it. The order is paid when
// Stripe says so (its webhook, or the server asking it), never on this
// script's word.
(function () {
  'use strict';

  function loadStripe(src) {
    if (window.Stripe) return Promise.resolve(window.Stripe);
    return new Promise(function (resolve, reject) {
      var existing = document.querySelector('script[data-stripe-js]');
      var s = existing || document.createElement('script');
      s.addEventListener('load', function () { resolve(window.Stripe); });
      s.addEventListener('error', function () { reject(new Error('Stripe could not be loaded.')); });
      if (!existing) {
        s.src = src;
        s.setAttribute('data-stripe-js', '');
        document.head.appendChild(s);
      }
    });
  }

  async function api(path, body) {
    var response = await fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body || {}),
    });
    var json = await response.json().catch(function () { return {}; });
    if (!response.ok) {
      var field = json.errors && json.errors[0];
      throw new Error((field && field.message) || json.detail || 'The payment could not be made.');
    }
    return json;
  }

  // A payment method from the card field. Stripe.js makes a PaymentMethod;
  // builds without createPaymentMethod (localstripe's fake Stripe.js, in
  // tests) make a card token instead.
  async function paymentMethod(stripe, card) {
    var made = await stripe.createPaymentMethod({ type: 'card', card: card });
    if (made && made.error) throw new Error(made.error.message);
    if (made && made.paymentMethod) return made.paymentMethod.id;
    var token = await stripe.createToken(card);
    if (token.error) throw new Error(token.error.message || 'The card was not accepted.');
    return token.token.card.id;
  }

  async function nextAction(stripe, clientSecret) {
    var result = stripe.handleNextAction
      ? await stripe.handleNextAction({ clientSecret: clientSecret })
      : await stripe.confirmCardPayment(clientSecret);
    if (result && result.error) throw new Error(result.error.message || 'The card was not authenticated.');
  }

  // Stripe.js is loaded when the shopper chooses to pay by card, not with
  // the page (localstripe's stand-in for it, in tests, declares a global
  // `Element` class that would break the app's own rendering afterwards;
  // the page reloads after paying).
  function prepare(box) {
    box.setAttribute('data-stripe-mounted', '');
    var open = box.querySelector('[data-testid="use-card"]');
    open.disabled = false;
    open.addEventListener('click', function () {
      open.hidden = true;
      mount(box);
    });
  }

  async function mount(box) {
    var order = box.getAttribute('data-order');
    var button = box.querySelector('[data-testid="pay-card"]');
    var alert = box.querySelector('[data-testid="card-error"]');
    var say = function (text) { alert.textContent = text; };
    var Stripe;
    try {
      Stripe = await loadStripe(box.getAttribute('data-script'));
    } catch (e) {
      say(e.message);
      return;
    }
    var stripe = Stripe(box.getAttribute('data-key'));
    var card = stripe.elements().create('card');
    card.mount(box.querySelector('[data-testid="card-element"]'));
    button.hidden = false;
    button.addEventListener('click', async function () {
      button.disabled = true;
      say('');
      var base = '/api/v1/orders/' + encodeURIComponent(order) + '/payments';
      try {
        await api(base + '?provider=stripe');
        var progress = await api(base + '/confirm', {
          provider: 'stripe',
          payment_method: await paymentMethod(stripe, card),
        });
        if (progress.status === 'requires_action') {
          await nextAction(stripe, progress.client_secret);
        }
        // Ask the shop to ask Stripe, then show the order as it is now.
        await api(base + '/settle');
        window.location.reload();
      } catch (e) {
        say(e.message);
        button.disabled = false;
      }
    });
  }

  // Only once the app has hydrated the page (it marks `<body>`): mounting
  // into the server's HTML before would change what hydration walks.
  function scan() {
    if (!document.body || document.body.getAttribute('data-hydrated') !== 'true') return;
    document.querySelectorAll('[data-stripe-pay]:not([data-stripe-mounted])').forEach(prepare);
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', scan);
  } else {
    scan();
  }
  new MutationObserver(scan).observe(document.documentElement, {
    childList: true,
    subtree: true,
    attributes: true,
    attributeFilter: ['data-hydrated'],
  });
})();
