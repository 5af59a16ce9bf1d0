//! Kedai's pure domain: the event model, each marketplace's reply clock, the metrics and
//! inbox states of `response-rules.md`. No I/O and no clock reads: `now` is passed in.

pub mod automation;
pub mod calendar;
pub mod clock;
pub mod engine;
pub mod history;
pub mod inbox;
pub mod metrics;
pub mod model;
pub mod order_chat;
pub mod policy;
pub mod settings;
pub mod time;

pub use clock::{derive, ConversationClock, Exclusion, Item, Outcome, Session, ShopContext};
pub use history::{History, ShopHistory};
pub use inbox::{Filter, InboxRow};
pub use metrics::{Figure, ShopMetrics, Status};
pub use model::*;
pub use policy::Policy;
pub use settings::ShopSettings;
pub use time::Ts;
