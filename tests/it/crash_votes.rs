//! Crash safety of collective choice: the real binary is killed with
//! SIGKILL in the middle of a burst of concurrent votes that settle
//! proposals (closing them early and applying what passed), then restarted
//! on the same data. Three rounds, then the leftovers are voted to a close.
//!
//! After each restart, every proposal must be whole:
//! - it is `open`, `passed` or `rejected`; a closed one says why, and it
//!   closed on the votes it holds, and passed exactly if they pass it (no
//!   vote lands between the decision to close and the close);
//! - its effect is there exactly when it passed: the charter protects its
//!   page (`charter_change`), or its child space exists (`create_space`);
//! - the log has one `proposal_close` per closed proposal and none for an
//!   open one, one effect entry (`charter_change` and `protection_change`
//!   in the space's log, `space_create` in the child's) per passed one, and
//!   its latest `vote` entry per voter is the vote the proposal holds;
//! - every acknowledged vote is there with its choice (unless the same
//!   voter's next vote on it was in flight at the kill: either may be), and
//!   every close a voter was told of is there;
//! - the tally counts the votes.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use reqwest::{Client, RequestBuilder, StatusCode};
use serde_json::{Value, json};

use crate::crash::Binary;
use crate::support::{PASSWORD, json_of};

const SPACE: &str = "scrutins";
/// The first account: the administrator, and the space's steward.
const STEWARD: &str = "alice";
const VOTERS: [&str; 6] = ["vera", "victor", "violette", "vincent", "virgile", "yann"];
/// The steward and the six contributors.
const ELIGIBLE: u64 = 1 + VOTERS.len() as u64;
const ROUNDS: usize = 3;
const PROPOSALS_PER_ROUND: usize = 14;
/// Both kinds of proposal under the same rule: half of the eligible voters
/// must vote, and half of the decided votes must be yes. With seven
/// eligible, four agreeing votes settle a proposal, so it closes early.
const QUORUM: f64 = 0.5;
const THRESHOLD: f64 = 0.5;

type Tokens = HashMap<&'static str, String>;

/// Sends `request`; returns the status and the JSON answer.
async fn call(request: RequestBuilder) -> (StatusCode, Value) {
    let response = request.send().await.unwrap();
    (response.status(), json_of(response).await)
}

/// SplitMix64: a tiny generator, varied yet reproducible from its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// What passing a proposal does, so the audit can look for it.
#[derive(Clone, Debug)]
enum Effect {
    /// A `charter_change` protecting this page for reviewers.
    Protects(String),
    /// A `create_space` making this child space.
    Creates(String),
}

#[derive(Clone, Debug)]
struct Opened {
    id: u64,
    effect: Effect,
}

/// One voter's vote on one proposal, as far as the client knows.
#[derive(Clone, Debug, Default)]
struct Ballot {
    /// The last choice the server answered 200 to.
    acknowledged: Option<&'static str>,
    /// A choice sent without an answer when the server died: it may or may
    /// not have landed.
    in_flight: Option<&'static str>,
}

/// What the voters were told.
#[derive(Default)]
struct Ledger {
    ballots: HashMap<(&'static str, u64), Ballot>,
    /// Proposals a voter was told are closed: who, and the answer (a 200
    /// with the state it closed in, or a 409 `proposal_closed`).
    closed: HashMap<u64, Vec<(&'static str, Value)>>,
    /// Answers other than 200 and 409 `proposal_closed` (there should be none).
    unexpected: Vec<String>,
    answered: usize,
}

type SharedLedger = Arc<Mutex<Ledger>>;

/// Registers the steward and the voters (the first account is the
/// administrator) and logs them in. Sessions are stored, so the tokens
/// outlive every restart.
async fn accounts(client: &Client, base: &str) -> Tokens {
    let mut tokens = Tokens::new();
    for name in [STEWARD].into_iter().chain(VOTERS) {
        let account = json!({"username": name, "password": PASSWORD});
        let (status, body) = call(
            client
                .post(format!("{base}/api/v1/accounts"))
                .json(&account),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "register {name}: {body}");
        let (status, body) = call(
            client
                .post(format!("{base}/api/v1/sessions"))
                .json(&account),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "log in {name}: {body}");
        tokens.insert(name, body["token"].as_str().unwrap().to_owned());
    }
    tokens
}

/// The space: both kinds of proposal decided by its contributors, quickly
/// settled, and six voters appointed contributor.
async fn found_space(client: &Client, base: &str, tokens: &Tokens) {
    let rule = json!({
        "eligible_min": "contributor", "quorum": QUORUM, "threshold": THRESHOLD, "duration": "1h"
    });
    let charter = json!({"votes": {"charter_change": rule, "create_space": rule}});
    let space = json!({"slug": SPACE, "title": "Scrutins", "charter": charter});
    let request = client.post(format!("{base}/api/v1/spaces"));
    let (status, body) = call(request.bearer_auth(&tokens[STEWARD]).json(&space)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    for voter in VOTERS {
        let join = client.post(format!("{base}/api/v1/spaces/{SPACE}/members"));
        let (status, body) = call(join.bearer_auth(&tokens[voter]).json(&json!({}))).await;
        assert_eq!(status, StatusCode::CREATED, "{voter} joins: {body}");
        let appoint = client.put(format!("{base}/api/v1/spaces/{SPACE}/members/{voter}"));
        let standing = json!({"standing": "contributor"});
        let (status, body) = call(appoint.bearer_auth(&tokens[STEWARD]).json(&standing)).await;
        assert_eq!(status, StatusCode::OK, "appoint {voter}: {body}");
    }
}

/// Opens one proposal; each has its own page or child space, so proposals
/// are independent and their effects can be told apart.
async fn open(client: &Client, base: &str, token: &str, effect: Effect) -> Opened {
    let (kind, payload) = match &effect {
        Effect::Protects(page) => (
            "charter_change",
            json!({"patch": {"protection": {"pages": {page: "reviewer"}}}}),
        ),
        Effect::Creates(child) => (
            "create_space",
            json!({"slug": child, "title": format!("Enfant {child}")}),
        ),
    };
    let body = json!({"kind": kind, "title": format!("{kind} {effect:?}"), "payload": payload});
    let request = client.post(format!("{base}/api/v1/spaces/{SPACE}/proposals"));
    let (status, opened) = call(request.bearer_auth(token).json(&body)).await;
    assert_eq!(status, StatusCode::CREATED, "{opened}");
    assert_eq!(opened["state"], "open", "{opened}");
    assert_eq!(opened["eligible"], ELIGIBLE, "{opened}");
    Opened {
        id: opened["id"].as_u64().unwrap(),
        effect,
    }
}

/// A round's proposals, the two kinds alternating.
async fn open_round(client: &Client, base: &str, token: &str, round: usize) -> Vec<Opened> {
    let mut opened = Vec::new();
    for n in 0..PROPOSALS_PER_ROUND {
        let effect = if n % 2 == 0 {
            Effect::Protects(format!("Page_{round}_{n}"))
        } else {
            Effect::Creates(format!("enfant-{round}-{n}"))
        };
        opened.push(open(client, base, token, effect).await);
    }
    opened
}

/// A choice leaning by the proposal's mood: a third of the proposals are
/// favoured, a third opposed and a third divided, so some pass, some are
/// rejected, and some stay open until the end.
fn choose(rng: &mut Rng, mood: usize) -> &'static str {
    let (yes, no) = match mood {
        0 => (7, 9),
        1 => (2, 9),
        _ => (4, 8),
    };
    match rng.below(10) {
        n if n < yes => "yes",
        n if n < no => "no",
        _ => "abstain",
    }
}

/// What `voter` does this round: one vote per proposal, and for about one
/// in four a change of mind a few votes later.
fn ballots_of(voter: usize, round: usize, proposals: &[Opened]) -> Vec<(u64, &'static str)> {
    let mut rng = Rng(((round * 31 + voter) as u64 + 1).wrapping_mul(0xA076_1D64_78BD_642F));
    // All voters walk the proposals roughly in the same order, each with
    // its own jitter, so proposals gather their votes, settle and close one
    // after the other all through the burst, rather than all at its end.
    let mut order: Vec<usize> = (0..proposals.len()).collect();
    order.sort_by_cached_key(|&n| n as u64 + rng.below(4));
    let mut jobs = Vec::new();
    let mut changes: Vec<(usize, (u64, &'static str))> = Vec::new();
    for (step, &n) in order.iter().enumerate() {
        changes.retain(|&(due, job)| {
            let now = due <= step;
            if now {
                jobs.push(job);
            }
            !now
        });
        let first = choose(&mut rng, n % 3);
        jobs.push((proposals[n].id, first));
        if rng.below(4) == 0 {
            let other = ["yes", "no", "abstain"]
                .into_iter()
                .filter(|&c| c != first)
                .nth(rng.below(2) as usize)
                .unwrap();
            let due = step + 1 + rng.below(3) as usize;
            changes.push((due, (proposals[n].id, other)));
        }
    }
    jobs.extend(changes.into_iter().map(|(_, job)| job));
    jobs
}

/// Casts `jobs` one after the other (one vote of this voter in flight at a
/// time) until they run out or the server dies, recording every answer.
async fn vote_stream(
    client: Client,
    base: String,
    voter: &'static str,
    token: String,
    jobs: Vec<(u64, &'static str)>,
    ledger: SharedLedger,
) {
    for (id, choice) in jobs {
        ledger
            .lock()
            .unwrap()
            .ballots
            .entry((voter, id))
            .or_default()
            .in_flight = Some(choice);
        let sent = client
            .put(format!("{base}/api/v1/spaces/{SPACE}/proposals/{id}/vote"))
            .bearer_auth(&token)
            .json(&json!({"choice": choice}))
            .send()
            .await;
        let Ok(response) = sent else { return };
        let status = response.status();
        // A lost body leaves the vote in flight: it may have landed.
        let Ok(body) = response.json::<Value>().await else {
            return;
        };
        let mut ledger = ledger.lock().unwrap();
        ledger.answered += 1;
        let ballot = ledger.ballots.get_mut(&(voter, id)).unwrap();
        ballot.in_flight = None;
        if status == StatusCode::OK {
            ballot.acknowledged = Some(choice);
            if body["state"] != "open" {
                ledger.closed.entry(id).or_default().push((voter, body));
            }
        } else if status == StatusCode::CONFLICT && body["code"] == "proposal_closed" {
            ledger.closed.entry(id).or_default().push((voter, body));
        } else {
            let what = format!("{voter}'s {choice} on {id}: {status} {body}");
            ledger.unexpected.push(what);
        }
    }
}

/// When to kill: once this share (in percent) of the burst's votes are
/// answered, from 10 to 90 %. Taken from the clock, so every run lands
/// somewhere else; a share rather than a delay, so the kill lands mid-burst
/// however fast the machine is.
fn kill_point() -> u64 {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    10 + Rng(u64::from(nanos)).below(81)
}

/// All of a space's governance log, newest first (following the cursor).
async fn log_of(client: &Client, base: &str, space: &str) -> Option<Vec<Value>> {
    let mut entries = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut request = client
            .get(format!("{base}/api/v1/spaces/{space}/log"))
            .query(&[("limit", "500")]);
        if let Some(cursor) = &cursor {
            request = request.query(&[("cursor", cursor)]);
        }
        let (status, page) = call(request).await;
        if status == StatusCode::NOT_FOUND && entries.is_empty() {
            return None;
        }
        assert_eq!(status, StatusCode::OK, "log of {space}: {page}");
        entries.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return Some(entries),
        }
    }
}

fn count(entries: &[&Value], action: &str) -> usize {
    entries.iter().filter(|e| e["action"] == action).count()
}

/// Whether a tally passes the space's rule (as the server decides it).
fn passes(yes: u64, no: u64, abstain: u64) -> bool {
    const EPSILON: f64 = 1e-9;
    let quorum_met = (yes + no + abstain) as f64 / ELIGIBLE as f64 >= QUORUM - EPSILON;
    let threshold_met = match yes + no {
        0 => THRESHOLD <= EPSILON,
        decided => yes as f64 / decided as f64 >= THRESHOLD - EPSILON,
    };
    quorum_met && threshold_met
}

/// Checks every invariant of the module doc on every proposal opened so
/// far; returns each proposal's JSON by id.
async fn audit(
    client: &Client,
    base: &str,
    opened: &[Opened],
    ledger: &Ledger,
) -> BTreeMap<u64, Value> {
    let log = log_of(client, base, SPACE).await.unwrap();
    let (status, space) = call(client.get(format!("{base}/api/v1/spaces/{SPACE}"))).await;
    assert_eq!(status, StatusCode::OK, "{space}");
    let protected = space["charter"]["protection"]["pages"].clone();
    let (status, spaces) = call(client.get(format!("{base}/api/v1/spaces"))).await;
    assert_eq!(status, StatusCode::OK, "{spaces}");
    let children: BTreeSet<&str> = spaces["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["parent"] == SPACE)
        .map(|s| s["slug"].as_str().unwrap())
        .collect();

    let mut seen = BTreeMap::new();
    let (mut passed_pages, mut passed_children) = (BTreeSet::new(), BTreeSet::new());
    for proposal in opened {
        let id = proposal.id;
        let url = format!("{base}/api/v1/spaces/{SPACE}/proposals/{id}");
        let (status, shown) = call(client.get(url)).await;
        assert_eq!(status, StatusCode::OK, "proposal {id}: {shown}");
        let target = format!("proposal:{id}");
        let mut entries: Vec<&Value> = log.iter().filter(|e| e["target"] == target).collect();
        let passed_reason = format!("proposal {id} passed");
        let effect_target = match &proposal.effect {
            Effect::Protects(page) => format!("page:{page}"),
            Effect::Creates(child) => format!("space:{child}"),
        };
        entries.extend(
            log.iter()
                .filter(|e| e["reason"] == passed_reason.as_str() || e["target"] == effect_target),
        );
        let child_log = match &proposal.effect {
            Effect::Creates(child) if children.contains(child.as_str()) => {
                log_of(client, base, child).await
            }
            _ => None,
        };
        let context = format!(
            "proposal {id} ({:?}) is not whole:\n{shown:#}\n\
             its log entries: {:#}\nthe child's log: {:#}\n",
            proposal.effect,
            Value::Array(entries.iter().map(|&e| e.clone()).collect()),
            Value::Array(child_log.clone().unwrap_or_default()),
        );

        // 1. A known state; a closed proposal says why, with its final tally.
        let state = shown["state"].as_str().unwrap();
        assert!(["open", "passed", "rejected"].contains(&state), "{context}");
        let outcome = shown["outcome"].as_str().unwrap();
        let tally = &shown["tally"];
        let (yes, no, abstain) = (
            tally["yes"].as_u64().unwrap(),
            tally["no"].as_u64().unwrap(),
            tally["abstain"].as_u64().unwrap(),
        );
        if state == "open" {
            assert!(
                outcome.is_empty() && shown["closed_at"].is_null(),
                "{context}"
            );
        } else {
            assert!(!outcome.is_empty(), "{context}");
            // The close is decided on the votes it holds: none can land
            // between them and the close.
            let closed_on = format!("{yes} yes, {no} no, {abstain} abstain of {ELIGIBLE} eligible");
            assert!(
                outcome.starts_with(&closed_on),
                "it closed on another tally than the votes it holds: {context}"
            );
            // Passing proposals apply unless the space changed meanwhile,
            // which nothing here does.
            assert_eq!(
                state == "passed",
                passes(yes, no, abstain),
                "it is {state}, but the votes it holds say otherwise: {context}"
            );
        }
        let passed = state == "passed";

        // 2. The effect is there exactly when it passed.
        match &proposal.effect {
            Effect::Protects(page) => {
                // Each passed change rewrites the whole stored charter: the
                // charter changes logged in the space say which came last.
                let changes = log.iter().filter(|e| e["action"] == "charter_change");
                assert_eq!(
                    protected.get(page).is_some(),
                    passed,
                    "protection of {page} is {}; the space's pages protected: {protected}; \
                     its charter changes, newest first: {:#}\n{context}",
                    protected.get(page).unwrap_or(&Value::Null),
                    Value::Array(changes.cloned().collect()),
                );
                if passed {
                    assert_eq!(protected[page], "reviewer", "{context}");
                    passed_pages.insert(page.clone());
                }
            }
            Effect::Creates(child) => {
                assert_eq!(children.contains(child.as_str()), passed, "{context}");
                if passed {
                    passed_children.insert(child.clone());
                }
            }
        }

        // 3. The log agrees: one close per closed proposal, one effect entry
        // per passed one (a child's creation is logged in the child's log).
        assert_eq!(
            count(&entries, "proposal_close"),
            usize::from(state != "open"),
            "{context}"
        );
        match &proposal.effect {
            Effect::Protects(_) => {
                assert_eq!(
                    count(&entries, "charter_change"),
                    usize::from(passed),
                    "{context}"
                );
                assert_eq!(
                    count(&entries, "protection_change"),
                    usize::from(passed),
                    "{context}"
                );
            }
            Effect::Creates(child) => {
                assert_eq!(count(&entries, "space_create"), 0, "{context}");
                let created = child_log.iter().flatten().filter(|e| {
                    e["action"] == "space_create" && e["target"] == format!("space:{child}")
                });
                assert_eq!(created.count(), usize::from(passed), "{context}");
            }
        }
        // Each voter's latest `vote` entry is the vote the proposal holds,
        // and no vote is logged after the close.
        let votes = shown["votes"].as_object().unwrap();
        let close_seq = entries
            .iter()
            .find(|e| e["action"] == "proposal_close")
            .map(|e| e["seq"].as_u64().unwrap());
        let mut latest: BTreeMap<&str, (u64, &str)> = BTreeMap::new();
        for entry in entries.iter().filter(|e| e["action"] == "vote") {
            let seq = entry["seq"].as_u64().unwrap();
            assert!(close_seq.is_none_or(|close| seq < close), "{context}");
            let voter = entry["actor"].as_str().unwrap();
            let choice = entry["reason"].as_str().unwrap();
            if latest.get(voter).is_none_or(|&(newest, _)| seq > newest) {
                latest.insert(voter, (seq, choice));
            }
        }
        let held: BTreeMap<&str, &str> = votes
            .iter()
            .map(|(voter, choice)| (voter.as_str(), choice.as_str().unwrap()))
            .collect();
        let logged: BTreeMap<&str, &str> = latest.iter().map(|(&v, &(_, c))| (v, c)).collect();
        assert_eq!(
            held, logged,
            "votes and their log entries differ: {context}"
        );

        // 4. Every acknowledged vote is there, and every acknowledged close.
        for voter in VOTERS.into_iter().chain([STEWARD]) {
            let Some(ballot) = ledger.ballots.get(&(voter, id)) else {
                assert!(!votes.contains_key(voter), "{voter} never voted: {context}");
                continue;
            };
            let holds = votes.get(voter).and_then(Value::as_str);
            let explained = holds == ballot.acknowledged
                || (ballot.in_flight.is_some() && holds == ballot.in_flight);
            assert!(
                explained,
                "{voter}'s vote is {holds:?}, but {ballot:?} was acknowledged/in flight: {context}"
            );
        }
        for (voter, answer) in ledger.closed.get(&id).into_iter().flatten() {
            let told = answer["state"].as_str().unwrap_or("closed");
            assert!(
                state != "open" && (told == "closed" || told == state),
                "{voter} was told it is {told} ({answer}): {context}"
            );
        }

        // 5. The tally counts the votes.
        let counted = |choice: &str| held.values().filter(|&&c| c == choice).count() as u64;
        assert_eq!(
            (yes, no, abstain, tally["eligible"].as_u64().unwrap()),
            (counted("yes"), counted("no"), counted("abstain"), ELIGIBLE),
            "{context}"
        );
        seen.insert(id, shown);
    }

    // Nothing else changed: no protection and no child space without a
    // proposal that passed.
    let pages: BTreeSet<String> = protected.as_object().unwrap().keys().cloned().collect();
    assert_eq!(pages, passed_pages, "protected pages");
    let children: BTreeSet<String> = children.into_iter().map(str::to_owned).collect();
    assert_eq!(children, passed_children, "child spaces");
    seen
}

/// After an audit, what the restarted server holds is durable: a vote that
/// was in flight is now known to be there or not.
fn settle_in_flight(ledger: &mut Ledger, seen: &BTreeMap<u64, Value>) {
    for ((voter, id), ballot) in &mut ledger.ballots {
        if ballot.in_flight.take().is_some() {
            ballot.acknowledged = match seen[id]["votes"][*voter].as_str() {
                Some("yes") => Some("yes"),
                Some("no") => Some("no"),
                Some("abstain") => Some("abstain"),
                _ => None,
            };
        }
    }
}

/// Casts `choice` for `voter` and expects it taken; returns the new state.
async fn vote(
    client: &Client,
    base: &str,
    tokens: &Tokens,
    ledger: &mut Ledger,
    (voter, id, choice): (&'static str, u64, &'static str),
) -> String {
    let request = client
        .put(format!("{base}/api/v1/spaces/{SPACE}/proposals/{id}/vote"))
        .bearer_auth(&tokens[voter])
        .json(&json!({"choice": choice}));
    let (status, answer) = call(request).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "{voter}'s {choice} on {id}: {answer}"
    );
    ledger.ballots.entry((voter, id)).or_default().acknowledged = Some(choice);
    let state = answer["state"].as_str().unwrap().to_owned();
    if state != "open" {
        ledger.closed.entry(id).or_default().push((voter, answer));
    }
    state
}

/// Votes the proposals still open to a close: yes from whoever has not
/// voted yet; and if everyone has (a vote that settled it landed, but its
/// close did not), a vote cast again, which closes it.
async fn finish(
    client: &Client,
    base: &str,
    tokens: &Tokens,
    ledger: &mut Ledger,
    seen: &BTreeMap<u64, Value>,
) {
    for (&id, shown) in seen.iter().filter(|(_, p)| p["state"] == "open") {
        let mut state = "open".to_owned();
        for voter in [STEWARD].into_iter().chain(VOTERS) {
            if state == "open" && shown["votes"].get(voter).is_none() {
                state = vote(client, base, tokens, ledger, (voter, id, "yes")).await;
            }
        }
        if state == "open" {
            let (voter, choice) = shown["votes"].as_object().unwrap().iter().next().unwrap();
            let voter = [STEWARD]
                .into_iter()
                .chain(VOTERS)
                .find(|v| v == voter)
                .unwrap();
            let choice = ["yes", "no", "abstain"]
                .into_iter()
                .find(|c| choice == c)
                .unwrap();
            state = vote(client, base, tokens, ledger, (voter, id, choice)).await;
        }
        assert_ne!(state, "open", "proposal {id} did not close: {shown}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_during_votes_leaves_each_proposal_whole() {
    let started = Instant::now();
    let data = tempfile::tempdir().unwrap();
    let client = Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap();
    let mut server = Binary::start(data.path());
    let tokens = accounts(&client, &server.base).await;
    found_space(&client, &server.base, &tokens).await;
    let mut ledger = Ledger::default();
    let mut opened: Vec<Opened> = Vec::new();
    let mut seen = BTreeMap::new();

    for round in 0..ROUNDS {
        let fresh = open_round(&client, &server.base, &tokens[STEWARD], round).await;
        opened.extend(fresh.iter().cloned());
        let answered_before = ledger.answered;
        let shared: SharedLedger = Arc::new(Mutex::new(std::mem::take(&mut ledger)));
        let mut total = 0;
        let voters: Vec<_> = VOTERS
            .into_iter()
            .enumerate()
            .map(|(n, voter)| {
                let jobs = ballots_of(n, round, &fresh);
                total += jobs.len();
                tokio::spawn(vote_stream(
                    client.clone(),
                    server.base.clone(),
                    voter,
                    tokens[voter].clone(),
                    jobs,
                    shared.clone(),
                ))
            })
            .collect();
        // Pull the plug somewhere in the burst, with votes in flight.
        let percent = kill_point();
        let burst = Instant::now();
        let answered = || shared.lock().unwrap().answered - answered_before;
        while (answered() as u64) * 100 < percent * total as u64
            && burst.elapsed() < Duration::from_secs(20)
        {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        let killed_at = burst.elapsed();
        server.kill();
        for task in voters {
            task.await.unwrap();
        }
        ledger = Arc::into_inner(shared).unwrap().into_inner().unwrap();
        let in_flight = ledger.ballots.values().filter(|b| b.in_flight.is_some());
        eprintln!(
            "round {round}: killed {killed_at:?} into the burst, aiming at {percent} %; \
             {} of {total} votes answered, {} in flight",
            ledger.answered - answered_before,
            in_flight.count()
        );
        assert!(
            ledger.unexpected.is_empty(),
            "answers before the kill: {:#?}",
            ledger.unexpected
        );

        server = Binary::start(data.path());
        // A vote that settled a proposal just before the kill leaves it
        // open; the governance clock closes it on its first ticks (every
        // second). Audit once that is done, so the log and the proposals
        // are read in one state.
        tokio::time::sleep(Duration::from_millis(1500)).await;
        seen = audit(&client, &server.base, &opened, &ledger).await;
        settle_in_flight(&mut ledger, &seen);
        let mut by_state: BTreeMap<&str, usize> = BTreeMap::new();
        for proposal in seen.values() {
            *by_state
                .entry(proposal["state"].as_str().unwrap())
                .or_default() += 1;
        }
        eprintln!("round {round}: after the restart, {by_state:?}");
    }

    // The restarted server settles what is left, and still takes proposals.
    finish(&client, &server.base, &tokens, &mut ledger, &seen).await;
    let last = open(
        &client,
        &server.base,
        &tokens[STEWARD],
        Effect::Protects("Page_final".to_owned()),
    )
    .await;
    opened.push(last.clone());
    let mut states = Vec::new();
    for voter in &VOTERS[..4] {
        let ballot = (*voter, last.id, "yes");
        states.push(vote(&client, &server.base, &tokens, &mut ledger, ballot).await);
    }
    assert_eq!(
        states,
        ["open", "open", "open", "passed"],
        "4 yes of 7 settle it"
    );
    let seen = audit(&client, &server.base, &opened, &ledger).await;
    assert!(
        seen.values().all(|p| p["state"] != "open"),
        "every proposal is closed"
    );
    server.kill();
    eprintln!("done in {:?}", started.elapsed());
}
