//! Issue 5: chatbot rules for off-hours and weekends, intent tags and sentiment, buyer
//! insights, reply suggestions and the policy guard. Pure: no I/O, `now` is passed in.

pub mod guard;
pub mod insights;
pub mod intent;
pub mod lexicon;
pub mod rules;
pub mod sentiment;
pub mod suggest;
pub mod text;

pub use intent::{Intent, IntentContext, IntentTagger, OrderStage};
pub use sentiment::{Sentiment, SentimentScorer};
