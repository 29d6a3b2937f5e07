//! Login throttling: at most `limit` failures per key within a sliding window.
//!
//! Keys are usernames (NFC, lower-cased) and client addresses, each in its
//! own `Throttle`. Failures are counted in memory: a restart forgets them,
//! which costs an attacker a restart they cannot trigger.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Past this many keys, expired entries are swept on the next failure.
const SWEEP_ABOVE: usize = 10_000;

pub struct Throttle {
    limit: usize,
    window: Duration,
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl Throttle {
    pub fn new(limit: u32, window: Duration) -> Self {
        Self {
            limit: limit.max(1) as usize,
            window,
            failures: Mutex::new(HashMap::new()),
        }
    }

    /// `Err(retry_after)` while `key` has used up its failures.
    pub fn check(&self, key: &str) -> Result<(), Duration> {
        let now = Instant::now();
        let mut failures = self.lock();
        let Some(times) = failures.get_mut(key) else {
            return Ok(());
        };
        self.forget_old(times, now);
        if times.len() < self.limit {
            return Ok(());
        }
        let oldest = times.front().copied().unwrap_or(now);
        Err((oldest + self.window).saturating_duration_since(now))
    }

    pub fn record_failure(&self, key: &str) {
        let now = Instant::now();
        let mut failures = self.lock();
        if failures.len() > SWEEP_ABOVE {
            failures.retain(|_, times| {
                times
                    .back()
                    .is_some_and(|last| now.duration_since(*last) < self.window)
            });
        }
        let times = failures.entry(key.to_owned()).or_default();
        self.forget_old(times, now);
        times.push_back(now);
    }

    /// Forgets `key`'s failures (after a successful login).
    pub fn clear(&self, key: &str) {
        self.lock().remove(key);
    }

    fn forget_old(&self, times: &mut VecDeque<Instant>, now: Instant) {
        while times
            .front()
            .is_some_and(|first| now.duration_since(*first) >= self.window)
        {
            times.pop_front();
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, VecDeque<Instant>>> {
        // A panic while holding this lock leaves only counters behind: keep going.
        self.failures
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_after_the_limit_and_tells_how_long() {
        let throttle = Throttle::new(3, Duration::from_secs(60));
        for _ in 0..3 {
            assert!(throttle.check("alice").is_ok());
            throttle.record_failure("alice");
        }
        let retry_after = throttle.check("alice").unwrap_err();
        assert!(retry_after > Duration::from_secs(58) && retry_after <= Duration::from_secs(60));
        assert!(throttle.check("bob").is_ok());
        throttle.clear("alice");
        assert!(throttle.check("alice").is_ok());
    }

    #[test]
    fn failures_expire_with_the_window() {
        let throttle = Throttle::new(1, Duration::from_millis(20));
        throttle.record_failure("k");
        assert!(throttle.check("k").is_err());
        std::thread::sleep(Duration::from_millis(25));
        assert!(throttle.check("k").is_ok());
    }
}
