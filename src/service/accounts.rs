//! Accounts and sessions: register, log in and out, authenticate a token,
//! personal API tokens, and "who am I".

use std::net::IpAddr;
use std::time::Duration;

use super::{
    AccountView, Actor, App, MeView, MembershipView, ServiceError, ServiceResult, SessionView,
    TokenView,
};
use crate::auth::{Password, token};
use crate::model::{Timestamp, Username, validate_password};
use crate::store::{Credential, CredentialKind, NewUser, StoreError, User};

pub struct Registration {
    pub username: String,
    pub password: Password,
    pub email: Option<String>,
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
    /// Creates an account. The first account of an instance is its
    /// administrator and the steward of `main`; `admin` makes others admins
    /// too (only the operator's CLI passes it).
    pub async fn register(
        &self,
        registration: Registration,
        admin: bool,
    ) -> ServiceResult<AccountView> {
        let username = Username::parse(&registration.username)?;
        validate_password(registration.password.expose())?;
        let email = validate_email(registration.email)?;
        let password_hash = self.inner.hasher.hash(&registration.password).await?;
        let new = NewUser {
            username,
            password_hash,
            email,
            admin,
        };
        match self.store().create_user(new).await {
            Ok(user) => {
                tracing::info!(user = %user.username, admin = user.is_admin, "account created");
                Ok(account_view(&user))
            }
            Err(StoreError::UsernameTaken) => Err(ServiceError::UsernameTaken),
            Err(error) => Err(error.into()),
        }
    }

    /// Checks a username and password and opens a session. Failures are
    /// throttled per username and per client address; an unknown username
    /// costs the same time as a wrong password.
    pub async fn log_in(
        &self,
        username: &str,
        password: &Password,
        client: IpAddr,
    ) -> ServiceResult<SessionView> {
        let name_key = Username::parse(username)
            .map(|name| name.key())
            .unwrap_or_else(|_| username.to_owned());
        let address_key = client.to_string();
        let throttles = [
            (&self.inner.failures_by_username, name_key.as_str()),
            (&self.inner.failures_by_address, address_key.as_str()),
        ];
        for (throttle, key) in throttles {
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
            for (throttle, key) in throttles {
                throttle.record_failure(key);
            }
            return Err(ServiceError::Unauthenticated);
        };
        self.inner.failures_by_username.clear(&name_key);
        self.open_session(&user).await
    }

    async fn open_session(&self, user: &User) -> ServiceResult<SessionView> {
        let new_token = token::generate("ost_s_")?;
        let csrf_token = token::random_hex()?;
        let now = Timestamp::now();
        let expires_at = now.plus_seconds(self.config().sessions.ttl.as_secs() as i64);
        let credential = Credential {
            user: user.id,
            kind: CredentialKind::Session,
            name: None,
            created_at: now,
            expires_at: Some(expires_at),
            csrf_token: Some(csrf_token.clone()),
        };
        self.store()
            .insert_credential(new_token.hash, credential)
            .await?;
        Ok(SessionView {
            token: new_token.token,
            expires_at,
            user: account_view(user),
            csrf_token,
        })
    }

    /// Who presents `token`, if anyone: the session or API token must exist
    /// and be unexpired, and its user must exist.
    pub fn authenticate(&self, presented: &str) -> ServiceResult<Option<Authenticated>> {
        let token_hash = token::hash(presented);
        let Some(credential) = self.store().credential(&token_hash)? else {
            return Ok(None);
        };
        if credential
            .expires_at
            .is_some_and(|at| at <= Timestamp::now())
        {
            return Ok(None);
        }
        let Some(user) = self.store().user(credential.user)? else {
            return Ok(None);
        };
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

    /// Makes a personal API token named `name` (unique per user).
    pub async fn create_api_token(&self, actor: &Actor, name: &str) -> ServiceResult<TokenView> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 64 || name.chars().any(char::is_control) {
            return Err(ServiceError::InvalidInput(
                "a token name is 1 to 64 characters, without control characters".to_owned(),
            ));
        }
        let new_token = token::generate("ost_t_")?;
        let credential = Credential {
            user: actor.id,
            kind: CredentialKind::ApiToken,
            name: Some(name.to_owned()),
            created_at: Timestamp::now(),
            expires_at: None,
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

    pub fn api_token_names(&self, actor: &Actor) -> ServiceResult<Vec<String>> {
        Ok(self.store().api_token_names(actor.id)?)
    }

    /// Deletes expired sessions; run periodically by the server.
    pub async fn purge_expired_sessions(&self) -> ServiceResult<usize> {
        Ok(self
            .store()
            .purge_expired_credentials(Timestamp::now())
            .await?)
    }

    pub fn session_ttl(&self) -> Duration {
        self.config().sessions.ttl
    }
}
