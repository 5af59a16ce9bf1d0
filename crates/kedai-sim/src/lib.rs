//! The marketplace simulator.
