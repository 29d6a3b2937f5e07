//! The command line: `ostrom [serve]`, `ostrom admin create-user`, `ostrom openapi`.
//!
//! Flags fall back to `OSTROM_*` environment variables, then to the embedded
//! defaults (data in `./data`, listening on `127.0.0.1:8080`). Failures print
//! one line to stderr and exit non-zero.

use std::io::BufRead;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::{Args, Parser, Subcommand};
use ipnet::IpNet;
use ostrom::auth::Password;
use ostrom::config::{AdminPower, Config};
use ostrom::render::RemoteImages;
use ostrom::search::{Lang, SearchIndex, rebuild};
use ostrom::service::{App, Registrant, Registration, StoreFeed};
use url::Url;

#[derive(Parser)]
#[command(
    name = "ostrom",
    version,
    about = "Ostrom: a knowledge-commons wiki server",
    args_conflicts_with_subcommands = true
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    serve: ServeArgs,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the wiki (what `ostrom` does with no subcommand).
    Serve(ServeArgs),
    /// Operator tasks, run while the server is stopped.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Rebuild the search index from the store (while the server is stopped).
    Reindex {
        #[command(flatten)]
        data: DataArgs,
        #[command(flatten)]
        lang: LangArgs,
    },
    /// Print the OpenAPI 3.1 document of the HTTP API.
    Openapi,
    /// Print the JSON Schema of space charters.
    CharterSchema,
}

#[derive(Args)]
struct DataArgs {
    /// The data folder (created on first start).
    #[arg(long, env = "OSTROM_DATA", default_value = Config::DEFAULT_DATA_DIR)]
    data: PathBuf,
}

#[derive(Args)]
struct LangArgs {
    /// The language of pages that neither say nor reveal theirs (fr or en).
    #[arg(long, env = "OSTROM_DEFAULT_LANG", default_value = "fr", value_parser = parse_lang)]
    default_lang: Lang,
}

fn parse_lang(code: &str) -> Result<Lang, String> {
    Lang::parse(code).ok_or_else(|| format!("{code:?} is not fr or en"))
}

#[derive(Args)]
struct ServeArgs {
    #[command(flatten)]
    data: DataArgs,
    #[command(flatten)]
    lang: LangArgs,
    /// The address to listen on.
    #[arg(long, env = "OSTROM_LISTEN", default_value = Config::DEFAULT_LISTEN)]
    listen: SocketAddr,
    /// The largest page text accepted, in bytes.
    #[arg(long, env = "OSTROM_MAX_PAGE_BYTES", default_value_t = 1024 * 1024)]
    max_page_bytes: usize,
    /// Mark the session cookie `Secure` (set this when serving over https).
    #[arg(long, env = "OSTROM_SECURE_COOKIES")]
    secure_cookies: bool,
    /// The powers instance administrators hold over spaces, comma-separated:
    /// takedown, restore-stewardship, or none.
    #[arg(long, env = "OSTROM_ADMIN_POWERS", default_value = "takedown,restore-stewardship", value_parser = parse_powers)]
    admin_powers: AdminPowers,
    /// Images from other sites in pages: `show` them, or make each a
    /// `link` (showing one tells its site who reads the page).
    #[arg(long, env = "OSTROM_REMOTE_IMAGES", default_value = "show", value_parser = parse_remote_images)]
    remote_images: RemoteImages,
    /// The address readers reach this instance at (https://wiki.example):
    /// feeds link there; an https one makes cookies Secure.
    #[arg(long, env = "OSTROM_PUBLIC_URL", value_parser = parse_public_url)]
    public_url: Option<Url>,
    /// Reverse proxies (CIDRs, comma-separated) whose X-Forwarded-For and
    /// Forwarded headers name the client.
    #[arg(long, env = "OSTROM_TRUSTED_PROXIES", value_delimiter = ',')]
    trusted_proxies: Vec<IpNet>,
    /// Accounts one client (an IPv4 address, an IPv6 /64) may create in an hour.
    #[arg(long, env = "OSTROM_ACCOUNTS_PER_HOUR", default_value_t = 20)]
    accounts_per_hour: u32,
}

fn parse_public_url(text: &str) -> Result<Url, String> {
    let url = Url::parse(text).map_err(|error| format!("{text:?} is not a URL: {error}"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(format!("{text:?} is not an http(s) URL"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(format!("{text:?} has a query or a fragment"));
    }
    Ok(url)
}

fn parse_remote_images(choice: &str) -> Result<RemoteImages, String> {
    match choice {
        "show" => Ok(RemoteImages::Show),
        "link" => Ok(RemoteImages::Link),
        other => Err(format!("{other:?} is not show or link")),
    }
}

#[derive(Clone)]
struct AdminPowers(Vec<AdminPower>);

fn parse_powers(list: &str) -> Result<AdminPowers, String> {
    if list.trim() == "none" {
        return Ok(AdminPowers(Vec::new()));
    }
    list.split(',')
        .map(|name| {
            AdminPower::parse(name).ok_or_else(|| {
                format!("{name:?} is not an admin power (takedown, restore-stewardship, none)")
            })
        })
        .collect::<Result<_, _>>()
        .map(AdminPowers)
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create an account; the password is read from the first line of stdin.
    CreateUser {
        /// The username.
        name: String,
        /// Make the account an instance administrator.
        #[arg(long)]
        admin: bool,
        #[command(flatten)]
        data: DataArgs,
    },
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging();
    let outcome = match cli.command {
        None => serve(cli.serve),
        Some(Command::Serve(args)) => serve(args),
        Some(Command::Admin(AdminCommand::CreateUser { name, admin, data })) => {
            create_user(&name, admin, data)
        }
        Some(Command::Reindex { data, lang }) => reindex(data, lang),
        Some(Command::Openapi) => {
            print!("{}", ostrom::http::openapi::document_json());
            Ok(())
        }
        Some(Command::CharterSchema) => {
            print!("{}", ostrom::governance::charter::json_schema_text());
            Ok(())
        }
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("ostrom: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("could not start the async runtime")
}

fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let mut config = Config::new(args.data.data);
    config.listen = args.listen;
    config.limits.max_page_bytes = args.max_page_bytes;
    config.sessions.secure_cookie = args.secure_cookies;
    config.default_lang = args.lang.default_lang;
    config.governance.admin_powers = args.admin_powers.0;
    config.remote_images = args.remote_images;
    config.public_url = args.public_url;
    config.trusted_proxies = args.trusted_proxies;
    config.login_throttle.accounts_per_hour = args.accounts_per_hour;
    if config.login_throttle.accounts_per_hour == 0 {
        bail!("--accounts-per-hour must be at least 1");
    }
    if config.limits.max_page_bytes == 0 {
        bail!("--max-page-bytes must be at least 1");
    }
    runtime()?.block_on(async {
        let data_dir = config.data_dir().display().to_string();
        let server = ostrom::server::start(config, ostrom::server::termination_signal())
            .await
            .with_context(|| format!("could not start serving data from {data_dir}"))?;
        tracing::info!(data = %data_dir, "ostrom serving http://{}", server.address);
        if let Some(code) = server.app.setup_code() {
            tracing::warn!(
                "this instance has no administrator yet: the account registered with \"setup_code\": \"{code}\" becomes it (and the steward of main)"
            );
        }
        server
            .wait()
            .await
            .context("the server stopped with an error")
    })
}

fn create_user(name: &str, admin: bool, data: DataArgs) -> anyhow::Result<()> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("could not read the password from stdin")?;
    let password = line.trim_end_matches(['\n', '\r']).to_owned();
    let config = Config::new(data.data);
    runtime()?.block_on(async {
        let store = ostrom::server::open_store(&config).with_context(|| {
            format!(
                "could not open the data folder {} (stop the server first)",
                config.data_dir().display()
            )
        })?;
        let app = App::new(store.clone(), config);
        let registration = Registration {
            username: name.to_owned(),
            password: Password::new(password),
            email: None,
            setup_code: None,
        };
        let registrant = Registrant::Operator {
            administrator: admin,
        };
        let account = app.register(registration, registrant).await;
        store.shutdown().context("could not flush the store")?;
        let account = account.context("could not create the account")?;
        println!(
            "created {} (id {}{})",
            account.username,
            account.id,
            if account.is_admin {
                ", administrator"
            } else {
                ""
            }
        );
        Ok(())
    })
}

fn reindex(data: DataArgs, lang: LangArgs) -> anyhow::Result<()> {
    let config = Config::new(data.data);
    let store = ostrom::server::open_store(&config).with_context(|| {
        format!(
            "could not open the data folder {} (stop the server first)",
            config.data_dir().display()
        )
    })?;
    let (index, _) =
        SearchIndex::open(&config.index_dir()).context("could not open the search index")?;
    let feed = StoreFeed::new(store.clone(), lang.default_lang);
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} pages {per_sec} eta {eta}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let started = std::time::Instant::now();
    let pages = rebuild(&index, &feed, &|done, total| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    })
    .context("could not rebuild the search index")?;
    bar.finish();
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "indexed {pages} pages in {seconds:.1} s ({:.0} pages/s); index is {} bytes",
        pages as f64 / seconds.max(1e-9),
        index.size_on_disk()
    );
    store.shutdown().context("could not close the store")?;
    Ok(())
}
