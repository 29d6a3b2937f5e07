//! Accounts, credentials (sessions and API tokens) and memberships.

use super::records::{Credential, CredentialKind, Event, Member, User};
use super::tx::{self, Abort, TreeId, Tx, joined_key, user_key};
use super::{Store, StoreError};
use crate::model::{EventKind, EventSeq, SpaceSlug, Standing, Timestamp, UserId, Username};

/// The `meta` key present once the instance has an administrator.
pub(super) const HAS_ADMINISTRATOR: &[u8] = b"has_administrator";

/// An account about to be created.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: Username,
    pub password_hash: String,
    pub email: Option<String>,
    pub administrator: Administrator,
}

/// Whether a new account administers the instance. The instance's first
/// administrator is also the steward of `main`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Administrator {
    No,
    Yes,
    /// If the instance has no administrator yet (its founder).
    IfNone,
}

/// A personal API token as its owner sees it listed.
#[derive(Debug, Clone)]
pub struct ApiToken {
    pub name: String,
    pub created_at: Timestamp,
    pub expires_at: Option<Timestamp>,
}

impl Store {
    /// Creates an account, unless its name is taken, case aside, or looks
    /// like a name taken (the same confusable skeleton).
    pub async fn create_user(&self, new: NewUser) -> Result<User, StoreError> {
        let now = self.now();
        self.write(0, move |tx| {
            let name_key = new.username.key();
            if tx
                .get_raw(TreeId::Usernames, name_key.as_bytes())?
                .is_some()
            {
                return Err(StoreError::UsernameTaken.into());
            }
            let skeleton = new.username.skeleton();
            if let Some(owner) = tx.get_raw(TreeId::UsernameSkeletons, skeleton.as_bytes())? {
                let owner: Option<User> = tx.get(TreeId::Users, &owner)?;
                let name = owner.map(|u| u.username).unwrap_or_default();
                return Err(StoreError::UsernameLookalike(name).into());
            }
            let has_administrator = tx.get_raw(TreeId::Meta, HAS_ADMINISTRATOR)?.is_some();
            let is_admin = match new.administrator {
                Administrator::No => false,
                Administrator::Yes => true,
                Administrator::IfNone => !has_administrator,
            };
            let founder = is_admin && !has_administrator;
            let id = tx.next_id("user")?;
            let user = User {
                id,
                username: new.username.to_string(),
                password_hash: new.password_hash.clone(),
                email: new.email.clone(),
                is_admin,
                created_at: now,
                sessions_since: None,
                language: None,
                notifications_seen: 0,
            };
            tx.put(TreeId::Users, &user_key(id), &user)?;
            tx.put_raw(TreeId::Usernames, name_key.as_bytes(), &user_key(id))?;
            tx.put_raw(
                TreeId::UsernameSkeletons,
                skeleton.as_bytes(),
                &user_key(id),
            )?;
            if is_admin {
                tx.put_raw(TreeId::Meta, HAS_ADMINISTRATOR, &[1])?;
            }
            if founder {
                let main = SpaceSlug::main();
                super::members::put_member(tx, main.as_str(), id, Standing::Steward, now)?;
                let target = format!("user:{}", user.username);
                let reason = "the first administrator of an instance is its steward";
                tx.append_event(super::records::entry(
                    main.as_str(),
                    EventKind::StandingChange,
                    None,
                    target,
                    reason,
                    now,
                ))?;
            }
            tx.append_event(
                Event::new(EventKind::AccountCreate, now)
                    .by(Some(id))
                    .targeting(format!("user:{}", user.username)),
            )?;
            Ok(user)
        })
        .await
    }

    /// Whether the instance has an administrator.
    pub fn has_administrator(&self) -> Result<bool, StoreError> {
        Ok(self
            .trees()
            .tree(TreeId::Meta)
            .contains_key(HAS_ADMINISTRATOR)?)
    }

    /// Ends every session of `user` opened before now, and opens
    /// `session` (when given) in their place, in one transaction: with a
    /// new `password_hash` (a password change), or without ("log out
    /// everywhere").
    pub async fn renew_sessions(
        &self,
        user: UserId,
        password_hash: Option<String>,
        session: Option<([u8; 32], Credential)>,
    ) -> Result<(), StoreError> {
        let now = self.now();
        self.write(0, move |tx| {
            let Some(mut record) = tx.get::<User>(TreeId::Users, &user_key(user))? else {
                return Err(StoreError::NotFound.into());
            };
            if let Some(hash) = &password_hash {
                record.password_hash = hash.clone();
            }
            record.sessions_since = Some(now);
            tx.put(TreeId::Users, &user_key(user), &record)?;
            if let Some((token_hash, credential)) = &session {
                let credential = Credential {
                    created_at: now,
                    ..credential.clone()
                };
                tx.put(TreeId::Credentials, token_hash, &credential)?;
            }
            Ok(())
        })
        .await
    }

    /// Changes what a user chose for themself: the interface language
    /// (when `language` is given; `Some(None)` forgets it), and the newest
    /// notification seen (it only moves forward).
    pub async fn set_preferences(
        &self,
        user: UserId,
        language: Option<Option<String>>,
        seen: Option<EventSeq>,
    ) -> Result<(), StoreError> {
        self.write(0, move |tx| {
            let Some(mut record) = tx.get::<User>(TreeId::Users, &user_key(user))? else {
                return Err(StoreError::NotFound.into());
            };
            if let Some(language) = &language {
                record.language = language.clone();
            }
            if let Some(seen) = seen {
                record.notifications_seen = record.notifications_seen.max(seen);
            }
            tx.put(TreeId::Users, &user_key(user), &record)?;
            Ok(())
        })
        .await
    }

    pub fn user(&self, id: UserId) -> Result<Option<User>, StoreError> {
        self.get(TreeId::Users, &user_key(id))
    }

    pub fn user_by_name(&self, name: &Username) -> Result<Option<User>, StoreError> {
        let Some(id) = self
            .trees()
            .tree(TreeId::Usernames)
            .get(name.key().as_bytes())?
        else {
            return Ok(None);
        };
        self.get(TreeId::Users, &id)
    }

    pub fn credential(&self, token_hash: &[u8; 32]) -> Result<Option<Credential>, StoreError> {
        self.get(TreeId::Credentials, token_hash)
    }

    /// Stores a credential; an API token's name must be new for its owner.
    pub async fn insert_credential(
        &self,
        token_hash: [u8; 32],
        credential: Credential,
    ) -> Result<(), StoreError> {
        self.write(0, move |tx| {
            if credential.kind == CredentialKind::ApiToken {
                let key = token_name_key(credential.user, credential.name.as_deref());
                if tx.get_raw(TreeId::UserTokens, &key)?.is_some() {
                    return Err(StoreError::TokenNameTaken.into());
                }
                tx.put_raw(TreeId::UserTokens, &key, &token_hash)?;
            }
            tx.put(TreeId::Credentials, &token_hash, &credential)
        })
        .await
    }

    /// Revokes a credential (logout). Revoking an unknown one is not an error.
    pub async fn delete_credential(&self, token_hash: [u8; 32]) -> Result<(), StoreError> {
        self.write(0, move |tx| remove_credential(tx, &token_hash))
            .await
    }

    /// Revokes the API token `name` of `user`.
    pub async fn delete_api_token(&self, user: UserId, name: String) -> Result<(), StoreError> {
        self.write(0, move |tx| {
            let key = token_name_key(user, Some(&name));
            let Some(hash) = tx.get_raw(TreeId::UserTokens, &key)? else {
                return Err(StoreError::NotFound.into());
            };
            let hash: [u8; 32] = hash.as_ref().try_into().map_err(|_| StoreError::Corrupt {
                tree: TreeId::UserTokens.name(),
                detail: "token hash is not 32 bytes".to_owned(),
            })?;
            remove_credential(tx, &hash)
        })
        .await
    }

    /// `user`'s API tokens, in name order.
    pub fn api_tokens(&self, user: UserId) -> Result<Vec<ApiToken>, StoreError> {
        let prefix = user_key(user);
        let mut tokens = Vec::new();
        for item in self.trees().tree(TreeId::UserTokens).scan_prefix(prefix) {
            let (key, hash) = item?;
            let name = String::from_utf8_lossy(&key[prefix.len()..]).into_owned();
            if let Some(credential) = self.get::<Credential>(TreeId::Credentials, &hash)? {
                tokens.push(ApiToken {
                    name,
                    created_at: credential.created_at,
                    expires_at: credential.expires_at,
                });
            }
        }
        Ok(tokens)
    }

    /// Deletes every credential that expired before `now`, and every
    /// session its user ended (a password change, "log out everywhere");
    /// returns how many.
    pub async fn purge_expired_credentials(&self, now: Timestamp) -> Result<usize, StoreError> {
        let mut expired = Vec::new();
        for item in self.trees().tree(TreeId::Credentials).iter() {
            let (key, value) = item?;
            let credential: Credential = tx::decode(TreeId::Credentials, &value)?;
            let ended = credential.kind == CredentialKind::Session
                && self
                    .user(credential.user)?
                    .and_then(|user| user.sessions_since)
                    .is_some_and(|since| credential.created_at < since);
            if (ended || credential.expires_at.is_some_and(|at| at <= now))
                && let Ok(hash) = <[u8; 32]>::try_from(key.as_ref())
            {
                expired.push(hash);
            }
        }
        let count = expired.len();
        if count > 0 {
            self.write(0, move |tx| {
                expired
                    .iter()
                    .try_for_each(|hash| remove_credential(tx, hash))
            })
            .await?;
        }
        Ok(count)
    }

    pub fn member(&self, space: &SpaceSlug, user: UserId) -> Result<Option<Member>, StoreError> {
        self.get(
            TreeId::Members,
            &joined_key(space.as_str(), &user_key(user)),
        )
    }

    /// Every space `user` belongs to, with the membership, in space order.
    pub fn memberships(&self, user: UserId) -> Result<Vec<(String, Member)>, StoreError> {
        let prefix = user_key(user);
        let mut memberships = Vec::new();
        for item in self.trees().tree(TreeId::UserSpaces).scan_prefix(prefix) {
            let (key, _) = item?;
            let space = String::from_utf8_lossy(&key[prefix.len()..]).into_owned();
            let member_key = joined_key(&space, &prefix);
            if let Some(member) = self.get(TreeId::Members, &member_key)? {
                memberships.push((space, member));
            }
        }
        Ok(memberships)
    }
}

fn token_name_key(user: UserId, name: Option<&str>) -> Vec<u8> {
    let mut key = user_key(user).to_vec();
    key.extend_from_slice(name.unwrap_or_default().as_bytes());
    key
}

fn remove_credential(tx: &Tx<'_>, token_hash: &[u8; 32]) -> Result<(), Abort> {
    let Some(credential) = tx.get::<Credential>(TreeId::Credentials, token_hash)? else {
        return Ok(());
    };
    if credential.kind == CredentialKind::ApiToken {
        let key = token_name_key(credential.user, credential.name.as_deref());
        tx.remove(TreeId::UserTokens, &key)?;
    }
    tx.remove(TreeId::Credentials, token_hash)
}
