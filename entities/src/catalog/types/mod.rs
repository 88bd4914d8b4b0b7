//! The catalog's shapes, shared by the REST API, the pages (WASM included)
//! and the services.

mod editing;
mod product;
pub mod review;
mod search;
mod status;

pub use editing::*;
pub use product::*;
pub use search::*;
pub use status::*;
