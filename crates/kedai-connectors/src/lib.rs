//! TikTok Shop, Shopee and Lazada chat clients.
