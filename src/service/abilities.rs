//! What may this viewer do here: the engine's abilities (see
//! `governance::abilities`) asked with the viewer's facts, as views. An
//! anonymous viewer may do nothing but read: every action answers `deny`
//! with `unauthenticated`.

use std::collections::BTreeMap;

use super::facts::Place;
use super::{ActionView, Actor, App, DecisionKind, ServiceResult};
use crate::governance::{
    Ability, ActorFacts, Decision, PageFacts, PageScene, page_abilities, space_abilities,
};
use crate::model::{ErrorCode, PageSlug, RevisionState};
use crate::store::{Dispute, Page};

fn view(decision: &Decision) -> ActionView {
    match decision {
        Decision::Allow => ActionView {
            decision: DecisionKind::Allow,
            code: None,
            rule: None,
        },
        Decision::Queue(reason) => ActionView {
            decision: DecisionKind::Queue,
            code: None,
            rule: Some(reason.explain().to_owned()),
        },
        Decision::Deny(denial) => ActionView {
            decision: DecisionKind::Deny,
            code: Some(denial.code()),
            rule: Some(denial.explain()),
        },
    }
}

/// The views of `abilities`, or, for an anonymous viewer, `deny` for each.
fn views<A: Ord>(abilities: Vec<Ability<A>>, signed_in: bool) -> BTreeMap<A, ActionView> {
    abilities
        .into_iter()
        .map(|ability| {
            let view = match signed_in {
                true => view(&ability.decision),
                false => ActionView {
                    decision: DecisionKind::Deny,
                    code: Some(ErrorCode::Unauthenticated),
                    rule: Some("sign in first".to_owned()),
                },
            };
            (ability.action, view)
        })
        .collect()
}

impl App {
    fn viewer_facts(&self, viewer: Option<&Actor>, place: &Place) -> ServiceResult<ActorFacts> {
        match viewer {
            Some(actor) => self.actor_facts(actor, place),
            None => Ok(ActorFacts::default()),
        }
    }

    /// What `viewer` may do on `page` of `place`, whose open dispute the
    /// caller has read.
    pub(super) fn page_actions(
        &self,
        viewer: Option<&Actor>,
        place: &Place,
        page: &Page,
        dispute: Option<&Dispute>,
    ) -> ServiceResult<BTreeMap<crate::governance::PageAction, ActionView>> {
        let slug = PageSlug::parse(&page.slug)?;
        let facts_page = self.facts_of_page(place, &slug, dispute)?;
        let talk = slug.talk().map(|talk| PageFacts {
            slug: talk.to_string(),
            locked_to: None,
            talk: true,
        });
        let facts = self.viewer_facts(viewer, place)?;
        let own_pending = match viewer {
            Some(actor) if page.published != Some(page.head) => self
                .store()
                .revision(page.head)?
                .is_some_and(|r| r.state == RevisionState::Pending && r.author == actor.id),
            _ => false,
        };
        let context = self.context(&facts, &place.charter);
        let scene = PageScene {
            page: &facts_page,
            talk: talk.as_ref(),
            own_pending,
        };
        Ok(views(page_abilities(&context, &scene), viewer.is_some()))
    }

    /// What `viewer` may do in `place`.
    pub(super) fn space_actions(
        &self,
        viewer: Option<&Actor>,
        place: &Place,
    ) -> ServiceResult<BTreeMap<crate::governance::SpaceAction, ActionView>> {
        let facts = self.viewer_facts(viewer, place)?;
        let context = self.context(&facts, &place.charter);
        Ok(views(space_abilities(&context), viewer.is_some()))
    }
}
