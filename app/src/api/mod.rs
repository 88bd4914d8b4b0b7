//! Server functions, one folder per bounded context (as in `entities`). Each is thin: take the request context,
//! parse input, call one service, map the error.

pub mod accounts;
pub mod catalog;
#[cfg(feature = "ssr")]
pub mod forms;
pub mod fulfilment;
pub mod ordering;
pub mod payments;
