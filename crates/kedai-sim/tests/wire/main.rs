//! The simulator over real loopback HTTP, one module per area.

mod admin;
mod faults;
mod lazada;
mod shopee;
mod support;
mod tiktok;
