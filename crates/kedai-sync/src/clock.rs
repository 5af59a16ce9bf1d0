//! Where `now` comes from: the wall clock for real shops, the simulator's (accelerated)
//! clock in demo mode and tests.

use std::time::Instant;

use chrono::{DateTime, Utc};
use kedai_core::Ts;
use serde::Deserialize;

use crate::SyncError;

#[derive(Debug, Clone, Copy)]
pub enum Clock {
    Wall,
    /// `now = at + speed × (elapsed since read)`.
    Sim {
        at: Ts,
        read: Instant,
        speed: f64,
    },
}

impl Clock {
    pub fn now(&self) -> Ts {
        match *self {
            Clock::Wall => Utc::now(),
            Clock::Sim { at, read, speed } => {
                let elapsed = read.elapsed().as_secs_f64() * speed;
                at + chrono::Duration::microseconds((elapsed * 1e6) as i64)
            }
        }
    }

    /// The clock of the simulator at `base` (`GET /_sim/clock`).
    pub async fn of_sim(http: &reqwest::Client, base: &str) -> Result<Clock, SyncError> {
        #[derive(Deserialize)]
        struct SimClock {
            now: DateTime<Utc>,
            speed: f64,
        }
        let url = format!("{}/_sim/clock", base.trim_end_matches('/'));
        let c: SimClock = http
            .get(&url)
            .send()
            .await
            .and_then(|r| r.error_for_status())
            .map_err(|e| SyncError::Simulator(format!("{url}: {}", e.without_url())))?
            .json()
            .await
            .map_err(|e| SyncError::Simulator(format!("{url}: {}", e.without_url())))?;
        Ok(Clock::Sim {
            at: c.now,
            read: Instant::now(),
            speed: c.speed.max(0.0),
        })
    }
}
