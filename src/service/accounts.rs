//! Accounts and sessions: register (throttled per client; the instance's
//! first administrator), log in and out (one session or all), change a
//! password, authenticate a token, personal API tokens, and "who am I".

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use super::{
    AccountView, Actor, ApiTokenView, App, ListRequest, Listing, MeView, MembershipView, Order,
    ServiceError, ServiceResult, SessionView, TokenView,
};
use crate::auth::{Password, Throttle, client_key, token};
use crate::config::Config;
use crate::model::{Timestamp, Username, validate_password};
use crate::store::{Administrator, Credential, CredentialKind, NewUser, Store, StoreError, User};

pub struct Registration {
    pub username: String,
    pub password: Password,
    pub email: Option<String>,
    /// The one-time code the server printed at start, to become the
    /// administrator of an instance that has none and listens beyond
    /// loopback.
    pub setup_code: Option<String>,
}

/// Who asks for an account.
#[derive(Debug, Clone, Copy)]
pub enum Registrant {
    /// Someone over HTTP, from this address: throttled per client. They
    /// found the instance (its administrator, steward of `main`) if it has
    /// no administrator yet and either serves loopback only or they present
    /// the setup code.
    Client(IpAddr),
    /// The operator at the console (`ostrom admin create-user`): founds
    /// an instance without administrator, or makes one at will.
    Operator { administrator: bool },
}

/// What guards accounts: failed logins per (name, client) and per client,
/// accounts made per client, and the setup code of an instance with no
/// administrator yet.
pub(super) struct AccountGuards {
    failures_by_name_and_client: Throttle,
    failures_by_client: Throttle,
    registrations: DefaultKeyedRateLimiter<String>,
    setup_code: Mutex<Option<String>>,
}

impl AccountGuards {
    pub(super) fn new(config: &Config, store: &Store) -> Self {
        let throttle = &config.login_throttle;
        let per_hour = NonZeroU32::new(throttle.accounts_per_hour).unwrap_or(NonZeroU32::MIN);
        // Beyond loopback, becoming the first administrator takes the code
        // the server prints: whoever reaches it first is not enough.
        let needs_code =
            !config.listen.ip().is_loopback() && !store.has_administrator().unwrap_or(true);
        let setup_code = needs_code.then(|| token::random_hex().ok()).flatten();
        Self {
            failures_by_name_and_client: Throttle::new(
                throttle.failures_per_name_and_client,
                throttle.window,
            ),
            failures_by_client: Throttle::new(throttle.failures_per_client, throttle.window),
            registrations: RateLimiter::keyed(Quota::per_hour(per_hour)),
            setup_code: Mutex::new(setup_code),
        }
    }

    /// Forgets rate-limit state of idle clients.
    pub(super) fn shrink(&self) {
        self.registrations.retain_recent();
    }
}

/// The outcome of checking a presented token.
#[derive(Debug, Clone)]
pub struct Authenticated {
    pub actor: Actor,
    pub kind: CredentialKind,
    /// The session's CSRF token; cookie-authenticated unsafe requests must echo it.
    pub csrf_token: Option<String>,
    pub token_hash: [u8; 32],
}

fn account_view(user: &User) -> AccountView {
    AccountView {
        id: user.id,
        username: user.username.clone(),
        is_admin: user.is_admin,
        created_at: user.created_at,
    }
}

fn actor_of(user: &User) -> Actor {
    Actor {
        id: user.id,
        username: user.username.clone(),
        is_admin: user.is_admin,
    }
}

fn validate_email(email: Option<String>) -> ServiceResult<Option<String>> {
    let Some(email) = email.map(|e| e.trim().to_owned()).filter(|e| !e.is_empty()) else {
        return Ok(None);
    };
    let plausible = email.len() <= 254
        && email
            .split_once('@')
            .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'))
        && !email.chars().any(|c| c.is_whitespace() || c.is_control());
    if !plausible {
        return Err(ServiceError::InvalidInput(
            "email is not a valid address".to_owned(),
        ));
    }
    Ok(Some(email))
}

impl App {
    fn guards(&self) -> &AccountGuards {
        &self.inner.accounts
    }

    /// The one-time code that makes an account the first administrator of
    /// an instance listening beyond loopback, while it has none (the
    /// server prints it at start).
    pub fn setup_code(&self) -> Option<String> {
        self.guards()
            .setup_code
            .lock()
            .ok()
            .and_then(|code| code.clone())
    }

    /// Whether a client registering now may found the instance.
    fn may_found(&self, presented: Option<&str>) -> bool {
        if self.config().listen.ip().is_loopback() {
            return true;
        }
        let Ok(code) = self.guards().setup_code.lock() else {
            return false;
        };
        matches!((code.as_deref(), presented), (Some(code), Some(presented))
            if token::hash(code) == token::hash(presented.trim()))
    }

    /// Creates an account. Over HTTP it is throttled per client, and
    /// founds an instance without administrator (administrator and steward
    /// of `main`) as `Registrant::Client` says; the operator makes
    /// administrators at will.
    pub async fn register(
        &self,
        registration: Registration,
        registrant: Registrant,
    ) -> ServiceResult<AccountView> {
        let username = Username::parse(&registration.username)?;
        validate_password(registration.password.expose())?;
        let email = validate_email(registration.email)?;
        let administrator = match registrant {
            Registrant::Operator {
                administrator: true,
            } => Administrator::Yes,
            // The operator at the console needs no code to found.
            Registrant::Operator {
                administrator: false,
            } => Administrator::IfNone,
            Registrant::Client(address) => {
                // Before the (deliberately slow) hash: a refusal is cheap.
                if let Err(not_until) = self.guards().registrations.check_key(&client_key(address))
                {
                    let retry_after = not_until.wait_time_from(DefaultClock::default().now());
                    return Err(ServiceError::RateLimited { retry_after });
                }
                if self.may_found(registration.setup_code.as_deref()) {
                    Administrator::IfNone
                } else {
                    Administrator::No
                }
            }
        };
        let password_hash = self.inner.hasher.hash(&registration.password).await?;
        let new = NewUser {
            username,
            password_hash,
            email,
            administrator,
        };
        match self.store().create_user(new).await {
            Ok(user) => {
                if user.is_admin
                    && let Ok(mut code) = self.guards().setup_code.lock()
                {
                    // Used: an administrator exists now.
                    *code = None;
                }
                tracing::info!(user = %user.username, admin = user.is_admin, "account created");
                Ok(account_view(&user))
            }
            Err(StoreError::UsernameTaken) => Err(ServiceError::UsernameTaken(None)),
            Err(StoreError::UsernameLookalike(owner)) => {
                Err(ServiceError::UsernameTaken(Some(owner)))
            }
            Err(error) => Err(error.into()),
        }
    }

    /// The throttle keys of an attempt on `username` from `client`.
    fn throttle_keys(&self, username: &str, client: IpAddr) -> [(&Throttle, String); 2] {
        let name = Username::parse(username)
            .map(|name| name.key())
            .unwrap_or_else(|_| username.to_owned());
        let client = client_key(client);
        [
            (
                &self.guards().failures_by_name_and_client,
                format!("{name}\u{0}{client}"),
            ),
            (&self.guards().failures_by_client, client),
        ]
    }

    /// Checks `password` for `username` (throttled, timing-safe): the user,
    /// or 401 (429 after too many failures).
    async fn verify_password(
        &self,
        username: &str,
        password: &Password,
        client: IpAddr,
    ) -> ServiceResult<User> {
        let keys = self.throttle_keys(username, client);
        for (throttle, key) in &keys {
            throttle
                .check(key)
                .map_err(|retry_after| ServiceError::RateLimited { retry_after })?;
        }
        let user = match Username::parse(username) {
            Ok(name) => self.store().user_by_name(&name)?,
            Err(_) => None,
        };
        let stored_hash = user.as_ref().map(|u| u.password_hash.clone());
        let verified = self.inner.hasher.verify(password, stored_hash).await?;
        let Some(user) = user.filter(|_| verified) else {
            for (throttle, key) in &keys {
                throttle.record_failure(key);
            }
            return Err(ServiceError::Unauthenticated);
        };
        let [(pair, pair_key), _] = &keys;
        pair.clear(pair_key);
        Ok(user)
    }

    /// Checks a username and password and opens a session. Failures are
    /// throttled per (username, client) and per client, so nobody can lock
    /// an owner out from elsewhere; an unknown username costs the same time
    /// as a wrong password.
    pub async fn log_in(
        &self,
        username: &str,
        password: &Password,
        client: IpAddr,
    ) -> ServiceResult<SessionView> {
        let user = self.verify_password(username, password, client).await?;
        self.open_session(&user).await
    }

    /// Changes the caller's password (they give the current one) and ends
    /// every session they had: the answer is a new session in place of
    /// the one used.
    pub async fn change_password(
        &self,
        auth: &Authenticated,
        current: &Password,
        new: &Password,
        client: IpAddr,
    ) -> ServiceResult<SessionView> {
        let user = self
            .verify_password(&auth.actor.username, current, client)
            .await?;
        validate_password(new.expose())?;
        let password_hash = self.inner.hasher.hash(new).await?;
        let (view, session) = self.new_session(&user)?;
        self.store()
            .renew_sessions(user.id, Some(password_hash), Some(session))
            .await?;
        Ok(view)
    }

    /// Ends every session of the caller, everywhere ("log out everywhere").
    /// API tokens stay (revoke them one by one).
    pub async fn log_out_everywhere(&self, auth: &Authenticated) -> ServiceResult<()> {
        self.store()
            .renew_sessions(auth.actor.id, None, None)
            .await?;
        Ok(())
    }

    /// A new session for `user`: its view (with the token) and what the
    /// store keeps of it (the token's hash and the credential).
    fn new_session(&self, user: &User) -> ServiceResult<(SessionView, ([u8; 32], Credential))> {
        let new_token = token::generate("ost_s_")?;
        let csrf_token = token::random_hex()?;
        let now = self.now();
        let expires_at = now.plus_seconds(self.config().sessions.ttl.as_secs() as i64);
        let credential = Credential {
            user: user.id,
            kind: CredentialKind::Session,
            name: None,
            created_at: now,
            expires_at: Some(expires_at),
            csrf_token: Some(csrf_token.clone()),
        };
        let view = SessionView {
            token: new_token.token,
            expires_at,
            user: user.username.clone(),
            csrf_token,
        };
        Ok((view, (new_token.hash, credential)))
    }

    async fn open_session(&self, user: &User) -> ServiceResult<SessionView> {
        let (view, (hash, credential)) = self.new_session(user)?;
        self.store().insert_credential(hash, credential).await?;
        Ok(view)
    }

    /// Who presents `token`, if anyone: the session or API token must exist
    /// and be unexpired, and its user must exist.
    pub fn authenticate(&self, presented: &str) -> ServiceResult<Option<Authenticated>> {
        let token_hash = token::hash(presented);
        let Some(credential) = self.store().credential(&token_hash)? else {
            return Ok(None);
        };
        if credential.expires_at.is_some_and(|at| at <= self.now()) {
            return Ok(None);
        }
        let Some(user) = self.store().user(credential.user)? else {
            return Ok(None);
        };
        // Sessions its user ended since (a password change, "everywhere").
        if credential.kind == CredentialKind::Session
            && user
                .sessions_since
                .is_some_and(|since| credential.created_at < since)
        {
            return Ok(None);
        }
        Ok(Some(Authenticated {
            actor: actor_of(&user),
            kind: credential.kind,
            csrf_token: credential.csrf_token,
            token_hash,
        }))
    }

    /// Revokes the credential that authenticated this request.
    pub async fn log_out(&self, auth: &Authenticated) -> ServiceResult<()> {
        self.store().delete_credential(auth.token_hash).await?;
        Ok(())
    }

    pub fn me(&self, auth: &Authenticated) -> ServiceResult<MeView> {
        let memberships = self
            .store()
            .memberships(auth.actor.id)?
            .into_iter()
            .map(|(space, member)| MembershipView {
                space,
                standing: member.standing,
            })
            .collect();
        Ok(MeView {
            id: auth.actor.id,
            username: auth.actor.username.clone(),
            is_admin: auth.actor.is_admin,
            memberships,
            csrf_token: auth.csrf_token.clone(),
        })
    }

    /// Makes a personal API token named `name` (unique per user), valid
    /// until `expires_at` (an RFC 3339 time to come) or until revoked.
    pub async fn create_api_token(
        &self,
        actor: &Actor,
        name: &str,
        expires_at: Option<&str>,
    ) -> ServiceResult<TokenView> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 64 || name.chars().any(char::is_control) {
            return Err(ServiceError::InvalidInput(
                "a token name is 1 to 64 characters, without control characters".to_owned(),
            ));
        }
        let now = self.now();
        let expires_at = expires_at
            .map(|text| {
                Timestamp::parse_rfc3339(text)
                    .filter(|at| *at > now)
                    .ok_or_else(|| {
                        ServiceError::InvalidInput(
                            "expires_at is an RFC 3339 time to come".to_owned(),
                        )
                    })
            })
            .transpose()?;
        let new_token = token::generate("ost_t_")?;
        let credential = Credential {
            user: actor.id,
            kind: CredentialKind::ApiToken,
            name: Some(name.to_owned()),
            created_at: now,
            expires_at,
            csrf_token: None,
        };
        match self
            .store()
            .insert_credential(new_token.hash, credential)
            .await
        {
            Ok(()) => Ok(TokenView {
                token: new_token.token,
                name: name.to_owned(),
                expires_at,
            }),
            Err(StoreError::TokenNameTaken) => Err(ServiceError::TokenNameTaken(name.to_owned())),
            Err(error) => Err(error.into()),
        }
    }

    pub async fn revoke_api_token(&self, actor: &Actor, name: &str) -> ServiceResult<()> {
        match self
            .store()
            .delete_api_token(actor.id, name.to_owned())
            .await
        {
            Ok(()) => Ok(()),
            Err(StoreError::NotFound) => Err(ServiceError::NotFound(format!(
                "you have no token {name:?}"
            ))),
            Err(error) => Err(error.into()),
        }
    }

    /// The caller's API tokens: names and dates, never the tokens.
    pub fn api_tokens(
        &self,
        actor: &Actor,
        list: ListRequest<'_>,
    ) -> ServiceResult<Listing<ApiTokenView>> {
        let tokens = self.store().api_tokens(actor.id)?;
        let listing = Listing::paged(tokens, list, Order::Ascending, |t| t.name.clone());
        Ok(listing.map(|token| ApiTokenView {
            name: token.name,
            created_at: token.created_at,
            expires_at: token.expires_at,
        }))
    }

    /// Deletes expired sessions; run periodically by the server.
    pub async fn purge_expired_sessions(&self) -> ServiceResult<usize> {
        Ok(self.store().purge_expired_credentials(self.now()).await?)
    }

    pub fn session_ttl(&self) -> Duration {
        self.config().sessions.ttl
    }
}
