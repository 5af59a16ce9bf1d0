//! TikTok Shop, Shopee and Lazada chat clients: signing, paging, envelopes, wire → events,
//! OAuth. The contract with the simulator is `WIRE.md`; the README documents the trait,
//! the errors and the OAuth flow.

pub mod connector;
pub mod error;
pub mod http;
pub mod lazada;
pub mod oauth;
pub mod ratelimit;
pub mod shopee;
pub mod sign;
pub mod sim;
pub mod tiktok;
pub mod tokens;
mod value;
pub mod wire;

pub use connector::{
    all_conversations, all_messages, pull_messages, Connector, Interrupted, Pulled,
};
pub use error::{Error, Result};
pub use http::{BoxFuture, ClientOptions, RetryPolicy};
pub use lazada::{LazadaConfig, LazadaConnector};
pub use ratelimit::{RateLimit, RateLimiter};
pub use shopee::{ShopeeConfig, ShopeeConnector};
pub use tiktok::{TiktokConfig, TiktokConnector};
pub use tokens::{Secret, TokenCell, Tokens};
pub use wire::{
    Conversation, Cursor, Outgoing, Page, Performance, Rejected, Sent, Uploaded, WireMessage,
};
