//! Integration tests: the real app on a random port, against SQLite and a
//! fresh PostgreSQL database per test, and the adapters against the real
//! services on this machine. One test binary, one module per area.

mod helpers;

mod access_matrix;
mod accounts;
mod admin_ui;
mod cart;
mod catalog_csv;
mod checkout_pricing;
mod cli;
mod cluster;
mod contract_bus;
mod contract_cache;
mod contract_mail;
mod contract_search;
mod contract_sessions;
mod crash;
mod fraud;
mod fulfilment;
mod gift_cards;
mod health;
mod images;
mod live;
mod local_payments;
mod openapi_conformance;
mod orders;
mod outbox;
mod outgoing_webhooks;
mod pages;
mod payments;
mod paypal;
mod privacy;
mod read_cache;
mod recommendations;
mod rest_catalog_admin;
mod rest_products;
mod rest_writes;
mod reviews;
mod search_api;
mod security;
mod seed;
mod storefront_checkout;
mod stripe;
mod two_factor;
mod wishlist;
