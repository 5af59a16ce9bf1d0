//! TikTok Shop, Shopee and Lazada chat clients: signing, paging, envelopes, wire → events,
//! OAuth. The contract with the simulator is `WIRE.md`; the README documents the trait,
//! the errors and the OAuth flow.

pub mod error;
pub mod sign;

pub use error::{Error, Result};
