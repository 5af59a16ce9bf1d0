//! The app's `now`. With real shops it is the wall clock; in demo mode it is the
//! simulator's accelerated clock, so deadlines and metrics move with the simulated traffic.
//! Tests may pin a start and a speed.

use std::sync::Arc;
use std::time::Instant;

use chrono::{DateTime, Duration, Utc};
use kedai_core::Ts;
use kedai_sim::SimHandle;

#[derive(Clone)]
pub enum AppClock {
    Wall,
    /// `start + speed × elapsed wall time` (tests and benchmarks).
    Pinned {
        start: Ts,
        speed: f64,
        since: Instant,
    },
    /// The in-process simulator's clock.
    Sim {
        sim: Arc<SimHandle>,
        speed: f64,
    },
}

impl AppClock {
    pub fn pinned(start: Ts, speed: f64) -> AppClock {
        AppClock::Pinned {
            start,
            speed,
            since: Instant::now(),
        }
    }

    pub fn now(&self) -> Ts {
        match self {
            AppClock::Wall => Utc::now(),
            AppClock::Pinned {
                start,
                speed,
                since,
            } => {
                let ms = since.elapsed().as_secs_f64() * speed * 1000.0;
                *start + Duration::milliseconds(ms as i64)
            }
            AppClock::Sim { sim, .. } => sim.now(),
        }
    }

    /// App seconds per wall second: the UI runs its countdowns at this rate between updates.
    pub fn speed(&self) -> f64 {
        match self {
            AppClock::Wall => 1.0,
            AppClock::Pinned { speed, .. } | AppClock::Sim { speed, .. } => *speed,
        }
    }
}

pub fn ms(t: DateTime<Utc>) -> f64 {
    t.timestamp_millis() as f64
}
