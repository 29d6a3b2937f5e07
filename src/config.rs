//! The validated configuration of an instance, built once at start-up by the
//! CLI (flags and `OSTROM_*` variables) or by tests, then shared read-only.

use std::net::SocketAddr;

use ipnet::IpNet;
use std::path::{Path, PathBuf};
use std::time::Duration;
use url::Url;

use crate::model::Clock;
use crate::render::RemoteImages;
use crate::search::Lang;

#[derive(Debug, Clone)]
pub struct Config {
    /// Holds `store/` (sled) and, later, derived data such as the search index.
    pub data_dir: PathBuf,
    pub listen: SocketAddr,
    pub limits: Limits,
    pub sessions: SessionPolicy,
    pub login_throttle: LoginThrottle,
    /// The language of pages that neither say nor reveal theirs.
    pub default_lang: Lang,
    pub governance: GovernanceSettings,
    /// Whether pages show images from other sites or link to them.
    pub remote_images: RemoteImages,
    /// The address readers reach the instance at (`https://wiki.example`):
    /// absolute links (feeds) are made from it, never from a request's
    /// `Host`. `None`: `http://` and the listening address.
    pub public_url: Option<Url>,
    /// Reverse proxies whose `X-Forwarded-For` / `Forwarded` headers name
    /// the client; from anyone else those headers are ignored.
    pub trusted_proxies: Vec<IpNet>,
    /// Where the instance reads the time (tests move it forward).
    pub clock: Clock,
}

#[derive(Debug, Clone)]
pub struct GovernanceSettings {
    /// Whether any account may create a top-level space (the instance
    /// setting `space_creation`: `anyone`, the default, or administrators).
    pub anyone_creates_spaces: bool,
    /// How often lazy consensus and promotions are looked at.
    pub tick: Duration,
    /// The only powers instance administrators hold over spaces. Each use
    /// is logged in the space's governance log with its reason.
    pub admin_powers: Vec<AdminPower>,
}

/// A power an instance administrator may hold (listed in the
/// configuration). None of them edits a charter or a vote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum AdminPower {
    /// Take down a revision's text (a legal request): it is replaced by a
    /// notice, in every revision of the page that shares it.
    Takedown,
    /// Make a member steward of a space that has no steward left.
    RestoreStewardship,
}

impl AdminPower {
    pub const ALL: [AdminPower; 2] = [AdminPower::Takedown, AdminPower::RestoreStewardship];

    pub fn name(self) -> &'static str {
        match self {
            AdminPower::Takedown => "takedown",
            AdminPower::RestoreStewardship => "restore-stewardship",
        }
    }

    pub fn parse(name: &str) -> Option<AdminPower> {
        Self::ALL
            .into_iter()
            .find(|power| power.name() == name.trim())
    }
}

#[derive(Debug, Clone)]
pub struct Limits {
    /// Largest page text accepted, in bytes of UTF-8 (default 1 MiB).
    pub max_page_bytes: usize,
    /// Largest body of any other request, in bytes.
    pub max_small_body_bytes: usize,
    /// Requests taking longer are answered 503.
    pub request_timeout: Duration,
    /// Previews (`POST /api/v1/render`) per account, or per address when
    /// anonymous, per minute; administrators are exempt.
    pub previews_per_minute: u32,
}

#[derive(Debug, Clone)]
pub struct SessionPolicy {
    /// How long a login session lasts (default 30 days).
    pub ttl: Duration,
    /// Add `Secure` (and the `__Host-` prefix) to the session cookie: set when
    /// the instance is served over https.
    pub secure_cookie: bool,
}

#[derive(Debug, Clone)]
pub struct LoginThrottle {
    /// Failed logins for one username from one client (an IPv4 address or
    /// an IPv6 /64): a stranger elsewhere cannot lock the owner out.
    pub failures_per_name_and_client: u32,
    /// Failed logins from one client, whatever the names.
    pub failures_per_client: u32,
    pub window: Duration,
    /// Accounts one client may create in an hour.
    pub accounts_per_hour: u32,
}

impl Config {
    pub const DEFAULT_DATA_DIR: &'static str = "./data";
    pub const DEFAULT_LISTEN: &'static str = "127.0.0.1:8080";

    /// The defaults, with data in `data_dir`.
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        Self {
            data_dir: data_dir.into(),
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            limits: Limits {
                max_page_bytes: 1024 * 1024,
                max_small_body_bytes: 64 * 1024,
                request_timeout: Duration::from_secs(30),
                previews_per_minute: 30,
            },
            sessions: SessionPolicy {
                ttl: Duration::from_secs(30 * 24 * 3600),
                secure_cookie: false,
            },
            login_throttle: LoginThrottle {
                failures_per_name_and_client: 5,
                failures_per_client: 20,
                window: Duration::from_secs(15 * 60),
                accounts_per_hour: 20,
            },
            default_lang: Lang::Fr,
            remote_images: RemoteImages::Show,
            public_url: None,
            trusted_proxies: Vec::new(),
            clock: Clock::system(),
            governance: GovernanceSettings {
                anyone_creates_spaces: true,
                tick: Duration::from_secs(1),
                admin_powers: AdminPower::ALL.to_vec(),
            },
        }
    }

    /// Where absolute links point: the public URL without its trailing
    /// `/`, or `http://` and the listening address.
    pub fn base_url(&self) -> String {
        match &self.public_url {
            Some(url) => url.as_str().trim_end_matches('/').to_owned(),
            None => format!("http://{}", self.listen),
        }
    }

    /// Whether cookies must be `Secure` (and `__Host-`): asked for, or the
    /// public URL is https.
    pub fn secure_cookies(&self) -> bool {
        self.sessions.secure_cookie
            || self
                .public_url
                .as_ref()
                .is_some_and(|url| url.scheme() == "https")
    }

    pub fn store_dir(&self) -> PathBuf {
        self.data_dir.join("store")
    }

    /// The search index: derived, rebuilt when missing.
    pub fn index_dir(&self) -> PathBuf {
        self.data_dir.join("index")
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// The body limit of requests that carry a page text: the text may grow
    /// when escaped as JSON, so allow for that beyond the text limit itself,
    /// which the service checks exactly.
    pub fn page_body_limit(&self) -> usize {
        self.limits.max_page_bytes * 2 + 64 * 1024
    }
}
