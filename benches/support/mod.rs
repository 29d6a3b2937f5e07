//! What the benchmarks share: the release binary started on a temporary
//! data folder, and latency arithmetic. Each bench includes it with
//! `mod support;`; not every bench uses every part.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// The `ostrom` binary serving `data` on a free loopback port: this build's,
/// or the one `OSTROM_BENCH_BINARY` names (to measure an older build with
/// the same harness).
pub struct Server {
    child: Child,
    pub base: String,
}

impl Server {
    pub fn start(data: &Path) -> Self {
        let binary = std::env::var_os("OSTROM_BENCH_BINARY")
            .unwrap_or_else(|| env!("CARGO_BIN_EXE_ostrom").into());
        let mut child = Command::new(binary)
            .args(["serve", "--listen", "127.0.0.1:0", "--data"])
            .arg(data)
            .env("RUST_LOG", "warn,ostrom::cli=info")
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the ostrom binary");
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        let base = loop {
            let line = lines.next().expect("server log").unwrap();
            if let Some(at) = line.find("http://") {
                break line[at..].split_whitespace().next().unwrap().to_owned();
            }
        };
        std::thread::spawn(move || lines.for_each(drop));
        Self { child, base }
    }

    /// SIGTERM, then wait: the server finishes what is in flight and flushes.
    pub fn stop(mut self) {
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        assert!(self.child.wait().unwrap().success(), "unclean stop");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The `p`th percentile (0–100) of sorted durations.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

pub fn ms(duration: Duration) -> String {
    format!("{:.2} ms", duration.as_secs_f64() * 1000.0)
}
