//! Login throttling: at most `limit` failures per key within a sliding window.
//!
//! Keys are (username, client) pairs and clients, each in its own
//! `Throttle`: failures from one place never lock the owner of a name out
//! from another. A client is an IPv4 address or an IPv6 /64 (one machine
//! commonly holds a whole /64). Failures are counted in memory: a restart
//! forgets them, which costs an attacker a restart they cannot trigger.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The key a client address counts under: the IPv4 address, or the /64
/// network of an IPv6 one.
pub fn client_key(address: IpAddr) -> String {
    match address {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let segments = v6.segments();
                format!(
                    "{:x}:{:x}:{:x}:{:x}::/64",
                    segments[0], segments[1], segments[2], segments[3]
                )
            }
        },
    }
}

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
    fn clients_are_addresses_or_ipv6_networks() {
        let key = |text: &str| client_key(text.parse().unwrap());
        assert_eq!(key("192.0.2.7"), "192.0.2.7");
        assert_eq!(key("2001:db8:1:2:3:4:5:6"), "2001:db8:1:2::/64");
        assert_eq!(key("2001:db8:1:2::ffff"), key("2001:db8:1:2:aaaa::1"));
        assert_ne!(key("2001:db8:1:2::1"), key("2001:db8:1:3::1"));
        assert_eq!(key("::ffff:192.0.2.7"), "192.0.2.7");
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
