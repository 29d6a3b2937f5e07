# Ostrom — interface messages, in English.
# See docs/web.md to add or fix a message.

## The frame of every page

skip-to-content = Skip to content
search-label = Search the wiki
search-placeholder = Search…
search-button = Search
nav-personal = Personal tools
nav-site = The site
nav-page = Page tools
nav-home = Home
nav-feed = Atom feed of changes
nav-api = API
log-in = Log in
log-out = Log out
register = Create account
language-label = Interface language:

## Home

home-title = Welcome to Ostrom
home-lead = A wiki for the knowledge communities share and govern together.
home-spaces = Spaces
home-changes = Recent changes
home-no-changes = No changes yet.

## Reading a page

tab-read = Read
tab-edit = Edit
tab-propose = Propose a change
tab-history = History
tab-talk = Talk
toc-heading = Contents
redirected-from = (Redirected from “{ $title }”)
dispute-banner = This page is under dispute.
dispute-explain = Until it is resolved, only some members may edit it.
dispute-talk = Join the discussion
pending-notice = This version is waiting for review.
page-tags = Tags:
page-last-change = Last changed on
tool-backlinks = What links here
tool-last-diff = Last change
tool-print = Print
bytes-count = { $count ->
    [one] { $n } byte
   *[other] { $n } bytes
}
revisions-count = { $count ->
    [one] { $n } revision
   *[other] { $n } revisions
}

missing-explain = This page does not exist yet in the space { $space }.
missing-create = Create this page
missing-log-in-to-create = Log in to create this page
missing-search = Search the wiki for “{ $title }”
deleted-explain = This page was deleted. Its history remains, and an earlier revision can be restored.
deleted-history = See its history
deleted-revision = Revision of the deletion:

info-title = Information about “{ $title }”
info-created = Created on
info-updated = Changed on
info-revision = Published revision
info-size = Size
info-lang = Language of the page
info-backlinks = Pages that link here
info-no-backlinks = No page links here.

## Editing

edit-creating = Creating “{ $title }”
edit-editing = Editing “{ $title }”
edit-will-be-reviewed = Your change will be reviewed before it is published.
edit-changes-heading = Your changes
edit-preview-heading = Preview
edit-text-label = Page text (Markdown)
edit-text-help = Internal links: [[Page title]]. Ctrl+S publishes.
edit-summary-label = Summary of the change
edit-save = Publish
edit-preview = Preview
edit-show-changes = Show changes
edit-cancel = Cancel
conflict-title = Edit conflict
conflict-explain = Someone changed the same passages while you were writing. Your text is kept below: compare it with the current text, merge, then publish again.
conflict-changes = Differences between the current text and yours
conflict-yours = Your text (fix it, then publish)
conflict-yours-help = It will be published over the current version: keep what must stay from it.
conflict-current = The page’s current text
queued-title = Change waiting for review
queued-explain = Thank you! Your change was saved. It will be published once a member of the space has reviewed it.
queued-history = See the page’s history
queued-back = Back to the page

## History and differences

history-title = History of “{ $title }”
history-empty = This page has no revision you can see.
history-from = Compare from revision
history-to = Compare to revision
history-when = Date
history-author = Author
history-size = Size
history-summary = Summary
history-compare = Compare selected revisions
history-older = Older revisions
state-pending = pending
state-rejected = rejected
diff-title = Differences of “{ $title }”
diff-from = From revision
diff-to = to revision
diff-side = Side by side
diff-inline = Inline
diff-label = Differences
diff-hunk = Changed passage, line
diff-old-line = Line before
diff-new-line = Line after
diff-text = Text
diff-old-text = Text before
diff-new-text = Text after
diff-removed = Removed:
diff-added = Added:
diff-no-changes = No differences.

## Search

search-title = Search
search-filters = Filters
search-space = Space
search-lang = Language
search-lang-any = Any
search-tag = Tag
search-total = { $count ->
    [one] { $n } page found
   *[other] { $n } pages found
}
search-nothing = No page matches. Try other words.
search-pages = Result pages
search-previous = Previous results
search-next = Next results

## Accounts

login-title = Log in
login-failed = Wrong username or password.
login-no-account = No account yet?
register-title = Create an account
register-password-help = At least 8 characters. A sentence is easier to remember.
register-setup = Setup code (first account of a new instance)
register-have-account = Already have an account?
field-username = Username
field-password = Password
field-email = Email address (optional)
field-setup-code = Setup code

## Errors

error-detail = Technical detail
error-retry-after = { $count ->
    [one] Try again in { $n } second.
   *[other] Try again in { $n } seconds.
}

error-malformed-json = Malformed request
error-malformed-json-help = The data sent could not be read.
error-invalid-input = Invalid input
error-invalid-input-help = A value is wrong or out of bounds; correct it and try again.
error-unknown-revision = Unknown revision
error-unknown-revision-help = This revision does not exist for this page, or you may not see it.
error-locked-field = Locked rule
error-locked-field-help = The parent space locked this rule of the charter.
error-step-too-heavy = Step too heavy
error-step-too-heavy-help = The sanctions ladder asks for a lighter step first.
error-unauthenticated = Please log in
error-unauthenticated-help = Log in to go on.
error-forbidden = Not allowed
error-forbidden-help = This space’s charter does not let you do that here.
error-not-member = Members only
error-not-member-help = Join this space to contribute.
error-protected-page = Protected page
error-protected-page-help = Editing this page takes a higher standing in the space.
error-disputed-page = Disputed page
error-disputed-page-help = Until the dispute is resolved, only some members may edit the page. Discuss it on the talk page.
error-suspended = Suspended
error-suspended-help = A sanction in force suspends your account in this space.
error-banned = Banned
error-banned-help = Your account is banned from this space.
error-self-approval = Self-approval
error-self-approval-help = You may not approve your own contribution.
error-conflict-of-interest = Conflict of interest
error-conflict-of-interest-help = Parties to a case may not decide it.
error-needs-proposal = Proposal needed
error-needs-proposal-help = The charter says this goes through a proposal and a vote.
error-not-eligible = Not eligible
error-not-eligible-help = You are not among the voters of this proposal.
error-not-found = Not found
error-not-found-help = Nothing is at this address. Search for what you meant to read, or go back home.
error-method-not-allowed = Not possible here
error-method-not-allowed-help = This address does not answer that action.
error-edit-conflict = Edit conflict
error-edit-conflict-help = Someone changed the same lines meanwhile.
error-username-taken = Username taken
error-username-taken-help = An account already has this name, or one too much like it; choose another.
error-name-taken = Name taken
error-name-taken-help = You already have a token of this name.
error-page-exists = Page exists
error-page-exists-help = A page already has this title.
error-space-exists = Space exists
error-space-exists-help = A space already has this name.
error-not-pending = No longer pending
error-not-pending-help = This revision no longer waits for review.
error-proposal-closed = Proposal closed
error-proposal-closed-help = Voting has ended.
error-no-eligible-voters = No voters
error-no-eligible-voters-help = Nobody could vote on such a proposal.
error-already-appealed = Already appealed
error-already-appealed-help = This sanction was already appealed.
error-not-in-force = Not in force
error-not-in-force-help = This sanction has ended or was lifted.
error-already-disputed = Already disputed
error-already-disputed-help = This page is already under dispute.
error-not-disputed = Not disputed
error-not-disputed-help = This page is not under dispute.
error-has-stewards = Has stewards
error-has-stewards-help = A steward of the space can still act.
error-deleted = Page deleted
error-deleted-help = This page was deleted; its history remains.
error-too-large = Too large
error-too-large-help = The text sent is over the size allowed.
error-uri-too-long = Address too long
error-uri-too-long-help = The address asked for is too long.
error-missing-base = Base revision missing
error-missing-base-help = Reload the page before editing it.
error-rate-limited = Too many requests
error-rate-limited-help = Wait a little before trying again.
error-internal = Internal error
error-internal-help = Something went wrong on the server; it was logged. Try again.
error-busy = Server busy
error-busy-help = The server is very busy; try again in a moment.
error-timeout = Timed out
error-timeout-help = The request took too long; try again.

## People, watching, recent changes

nav-changes = Recent changes
nav-notifications = Notifications
nav-unread = unread
watch-button = Watch this page
unwatch-button = Stop watching this page
move-heading = Rename the page
move-to = New title
move-help = The old title will redirect to the new one.
move-button = Rename
delete-heading = Delete the page
delete-reason = Reason
delete-help = The history is kept; an earlier revision can be restored.
delete-button = Delete
revert-button = Restore revision { $count }
changes-title = Recent changes
contributions-title = Contributions of { $user }
changes-user = Contributor
changes-state = State
changes-state-any = Any
changes-filter = Filter
changes-page = Page
changes-what = Change
state-published = published
me-title = My account
me-sections = Account sections
me-watchlist = Watched pages
me-preferences = Preferences
me-tokens = API tokens
me-password = Password
me-contributions = My contributions
me-no-notifications = No notifications.
me-new = new
me-no-watchlist = You watch no page. The “Watch this page” button is at the bottom of every page.
me-language-browser = The browser’s
me-save = Save
me-tokens-help = A token lets a program use the API on your behalf. It is shown once only.
me-revoke = Revoke
me-token-name = Token name
me-token-expires = Expiry (optional, an RFC 3339 date)
me-token-create = Create a token
me-token-created = Here is your token. Copy it now: it will not be shown again.
me-token-revoked = The token “{ $name }” is revoked.
me-current-password = Current password
me-new-password = New password
me-password-help = Changing your password ends your other sessions.
me-change-password = Change password
me-log-out-everywhere = Log out everywhere
standing-newcomer = newcomer
standing-contributor = contributor
standing-reviewer = reviewer
standing-steward = steward

## Events

event-create = created
event-edit = edited
event-revert = reverted
event-delete = deleted
event-move = renamed
event-account-create = account created
event-space-create = space created
event-join = joined
event-join-request = asked to join
event-join-accept = join accepted
event-standing-change = standing changed
event-promotion = promoted
event-review-approve = review approved
event-review-reject = review rejected
event-publish = published
event-mass-rollback = mass rollback
event-proposal-open = proposal opened
event-vote = vote
event-proposal-close = proposal closed
event-charter-change = charter changed
event-protection-change = protection changed
event-report = report
event-sanction = sanction
event-sanction-lift = sanction lifted
event-appeal = appeal
event-dispute-open = dispute opened
event-dispute-resolve = dispute resolved
event-admin-power = administration

permalink-notice = Revision { $count } of the page, of
permalink-current = See the current version.
tool-permalink = Permanent link
history-diff = diff
full-width = Full width
search-did-you-mean = Did you mean
search-did-you-mean-end = ?

## Spaces
nav-spaces = Spaces
home-page-slug = Home
spaces-title = Spaces
spaces-none = No space yet.
spaces-space = Space
spaces-members = Members
spaces-last-change = Last change
spaces-inside = inside { $parent }
spaces-member-count = { $count ->
    [one] { $n } member
   *[other] { $n } members
}
spaces-create = Create a space
spaces-field-title = Title
spaces-field-slug = Short name (in addresses)
spaces-field-slug-help = Lower-case letters, digits and hyphens, for example “open-data”.
spaces-field-parent = Inside
spaces-first-rules = First rules
spaces-first-rules-help = Optional: what is not chosen comes from the enclosing space or the instance's rules. The charter then changes by a vote of the members.
spaces-inherit = as the enclosing space
spaces-approvals-help = Newcomers' edits wait for this many approvals by reviewers; empty: as the enclosing space.
spaces-promotion-help = Empty: as the enclosing space.
spaces-field-no-parent = (none: a top-level space)
spaces-create-button = Create the space
spaces-login-to-create = Log in to create a space
space-inside = Inside
space-sections = In this space
space-home-page = Home page
space-charter = Charter
space-membership = Membership
space-your-standing = You are a member: { $standing }.
space-why-standing = why, and what comes next
space-leave = Leave this space
space-join = Join this space
space-request-join = Ask to join
space-login-to-join = Log in to join this space
space-not-member = You are not a member of this space.
space-join-requested = Your request to join is recorded; a reviewer or steward will answer it.
space-left = You left the space.
space-pages = Pages
space-no-pages = No page yet.
space-recent = Recent changes
space-members = { $count ->
    [one] { $n } member
   *[other] { $n } members
}
space-children = Spaces inside
space-create-child = Create a space inside
event-leave = left
error-last-steward = Last steward
error-last-steward-help = A space keeps at least one steward: another steward must be chosen (by a role change proposal) before you leave.

## Charter in words
charter-title = Charter of { $space }
charter-back = Back to the space
charter-inherits = Inherits from
charter-explain = The rules this space lives by. Members may propose to change them; the change is voted.
charter-locked = locked by an enclosing space
charter-set-here = set by this space
charter-inherited = inherited
charter-locks-here = Rules this space locks for the spaces inside it
charter-raw = The charter as data (JSON)
charter-raw-own = This space’s own rules (a merge patch)
charter-raw-resolved = The rules as they apply here
charter-section-access = Reading and joining
charter-section-editing = Editing and review
charter-section-standing = Standing
charter-section-decisions = Collective decisions
charter-section-sanctions = Sanctions
rule-visibility-public = Anyone may read this space.
rule-visibility-members = Only members may read this space; to everyone else it does not exist.
rule-join-open = Anyone with an account may join; a first contribution joins too.
rule-join-approval = A reviewer or a steward accepts each request to join.
rule-join-invite = Members join by invitation only.
rule-publish = Edits by members with standing { $standing } or above are published at once; the others wait for review.
rule-approvals = A waiting edit is published after { $count ->
    [one] one approval
   *[other] { $n } approvals
} by members with standing { $standing } or above; one rejection rejects it.
rule-self-approval-yes = Authors may approve their own edits.
rule-self-approval-no = Authors may not approve their own edits.
rule-lazy = A waiting edit that nobody rejected is published after { $span } (lazy consensus).
rule-lazy-none = A waiting edit is published only by approvals.
rule-max-page = A page holds at most { $size }.
rule-protection-default = Editing a page takes standing { $standing } or above.
rule-protection-page = Editing the page “{ $page }” takes standing { $standing } or above.
rule-rate-s = With standing { $standing }, at most { $n } edits a second.
rule-rate-m = With standing { $standing }, at most { $count ->
    [one] one edit
   *[other] { $n } edits
} a minute.
rule-rate-h = With standing { $standing }, at most { $count ->
    [one] one edit
   *[other] { $n } edits
} an hour.
rule-rate-d = With standing { $standing }, at most { $count ->
    [one] one edit
   *[other] { $n } edits
} a day.
rule-edit-war = { $count ->
    [one] One revert
   *[other] { $n } reverts
} of a page within { $span } reserve it to members with standing { $standing } or above (edit war).
rule-promotion = A newcomer becomes a contributor after { $count ->
    [one] one accepted edit
   *[other] { $n } accepted edits
} and { $span } as a member.
rule-appointments = A steward appoints reviewers; stewards are chosen by a vote (role change).
rule-vote = { $kind }: members with standing { $standing } or above vote for { $span }; it needs { $quorum } of them to vote and passes with { $threshold } of yes among yes and no.
rule-subspaces-stewards = A steward may create spaces inside this one.
rule-subspaces-vote = Spaces inside this one are created by a vote.
rule-ladder = Sanctions, from the lightest: { $steps }.
rule-decay = After { $span } without a sanction, the ladder starts again.
proposal-kind-charter_change = Changing the charter
proposal-kind-role_change = Granting a standing
proposal-kind-appeal = Appealing a sanction
proposal-kind-dispute = Settling a dispute
proposal-kind-create_space = Creating a space inside
step-warning = warning
step-probation = probation ({ $span }: edits go to review)
step-suspension = suspension ({ $span })
step-ban = ban
percent = { $n }%
span-s = { $count ->
    [one] one second
   *[other] { $n } seconds
}
span-m = { $count ->
    [one] one minute
   *[other] { $n } minutes
}
span-h = { $count ->
    [one] one hour
   *[other] { $n } hours
}
span-d = { $count ->
    [one] one day
   *[other] { $n } days
}
size-bytes = { $n } bytes
size-kib = { $n } KiB
size-mib = { $n } MiB

## Standing explained
member-title = { $user } in { $space }
member-contributions = Contributions
member-standing = Standing
member-inherited = recorded in { $space }
member-since = Member since
member-accepted-edits = Accepted edits
member-edit-count = { $count ->
    [one] { $n } edit
   *[other] { $n } edits
}
member-rule = Why
member-why-appointed = Appointed { $standing } by { $by } on { $date }.
member-why-voted = Made { $standing } by a vote of the members on { $date }.
member-why-promoted = Promoted on { $date } by the charter's rule: enough accepted edits and time as a member.
member-why-founded = Created the space on { $date }: whoever creates a space is its steward.
member-why-reason = Reason: “{ $reason }”.
space-sanctions = Sanctions
sanctions-title = Sanctions in { $space }
sanctions-explain = The public record of the sanctions issued in the space, newest first: who, which step of the ladder, why, by whom and until when.
sanctions-none = No sanction was issued here.
sanctions-ladder = The sanction ladder
sanctions-step = Step
sanctions-from = From
sanctions-until = Until
sanctions-lifted = lifted
sanctions-in-force = in force
sanctions-over = over
sanctions-recorded = on record
sanctions-appeal = the appeal
sanctions-older = Older sanctions
member-next = Next: { $standing }
member-progress-edits = Accepted edits
member-progress-days = Days as a member
member-missing = Still missing:
member-nothing-missing = Nothing is missing: the promotion comes with the next check.
member-sanctions = Sanctions in force
member-no-sanctions = No sanction in force.
member-sanction-by = by { $user }
member-sanction-until = until
member-appoint = Appoint
member-appoint-reason = Reason (for the log)
member-appoint-button = Set the standing
member-steward-by-vote = Stewards are chosen by a role change proposal.
missing-edits = { $count ->
    [one] one more accepted edit
   *[other] { $n } more accepted edits
}
missing-days = { $count ->
    [one] one more day as a member
   *[other] { $n } more days as a member
}
missing-no-sanction = no sanction in force
missing-appointment = an appointment by a steward
missing-proposal = a role change proposal that passes
standing-rule-newcomer = Joined the space (or contributed to it while it is open).
standing-rule-contributor = Promoted after enough accepted edits and time as a member.
standing-rule-reviewer = Appointed by a steward.
standing-rule-steward = Created the space, or chosen by a role change vote.

## Review queue
space-review-queue = Review queue
reviews-title = Review queue of { $space }
reviews-rules = the review rules
reviews-empty = Nothing waits for review.
reviews-keys = Keys: j and k move between revisions, a approves, r goes to the comment to reject.
reviews-revision = revision { $revision }
reviews-approvals = Approvals
reviews-conflicting = The page changed since and this edit no longer merges cleanly: approving it fails; the author can edit again.
reviews-reports = { $count ->
    [one] { $n } report names this revision
   *[other] { $n } reports name this revision
}
reviews-own = Your own edit: other members review it.
reviews-comment = Comment (optional; say why when you reject)
reviews-approve = Approve
reviews-reject = Reject
reviews-published = Approved and published.
reviews-rejected = Rejected: the author is told.
reviews-approved = Approved: { $n } of { $required } approvals; it waits for the others.
me-pending = Your edits waiting for review
reviews-takes = Reviewing takes standing { $standing } or above.
reviews-author = Author:
reviews-summary = “{ $summary }”

## Proposals and votes
space-proposals = Proposals
proposals-title = Proposals of { $space }
proposals-filter = Proposals by state
proposals-all = All
proposals-none = No proposal here.
proposals-back = All the proposals
proposal-state-open = open
proposal-state-passed = passed
proposal-state-rejected = rejected
proposal-title = Title
proposal-kind = Kind
proposal-state = State
proposal-closes = Closes
proposal-by = by { $user }
proposal-opened = Opened by
proposal-left = { $span } left
proposal-rationale = Why
proposal-changes = What it changes
proposal-now = Now:
proposal-proposed = Proposed:
proposal-effect-role = { $user } would become { $standing }.
proposal-effect-space = A space “{ $space }” would be created inside this one.
proposal-tally = Votes
proposal-rules = { $count ->
    [one] One member may vote
   *[other] { $n } members may vote
}; the vote counts if { $quorum }% of them take part, and passes with { $threshold }% of yes among yes and no.
proposal-bar-legend = Green: yes; red: no; grey: abstain; the dashed line marks the quorum.
proposal-voted = Voted
proposal-result = Result
proposal-vote = Your vote
proposal-your-vote = Your vote: { $choice }. You may change it until the close.
proposal-cast-vote = Vote
proposal-change-vote = Change my vote
proposal-login-to-vote = Log in to vote
vote-yes = yes
vote-no = no
vote-abstain = abstain
charter-propose = Propose a change
charter-back-to-charter = Back to the charter
charter-propose-explain = Change the rules you want changed; the others stay as they are. Members vote on the proposal; if it passes, the charter changes.
charter-propose-button = Open the vote
charter-propose-nothing = nothing was changed: change at least one rule
charter-field-locked = Locked by an enclosing space: it changes there.
charter-field-visibility = Who may read
charter-field-join = How people join
charter-field-edit-publish-directly-min = Lowest standing whose edits publish at once
charter-field-edit-approvals-required = Approvals that publish a waiting edit (1 to 100)
charter-field-edit-review-min = Lowest standing that reviews
charter-field-edit-self-approval = Authors approve their own edits
charter-field-promotion-accepted-edits = Accepted edits for a newcomer to become a contributor
charter-field-promotion-min-age = Time as a member for that (like 3d, 12h)
charter-field-review-lazy-consensus-after = Publish a waiting edit nobody rejected after (like 7d; empty: never)
charter-choice-public = anyone
charter-choice-members = members only
charter-choice-open = open to anyone
charter-choice-approval = on approval
charter-choice-invite = by invitation
charter-choice-true = yes
charter-choice-false = no
charter-field-subspaces = How spaces inside are created
charter-field-edit-max-page-bytes = Largest page, in bytes
charter-field-protection-default = Lowest standing that edits a page
charter-field-vote-eligible-min = Lowest standing that votes
charter-field-vote-quorum = Quorum: share of possible voters who must vote (in %)
charter-field-vote-threshold = Threshold: share of yes among yes and no that passes (in %)
charter-field-vote-duration = How long the vote lasts (like 72h, 3d)
charter-field-sanctions-ladder = The sanction ladder, lightest first, separated by commas (warning, probation:7d, suspension:1d, ban)
charter-field-sanctions-decay = A sanction no longer counts toward the next after (like 180d)
charter-field-edit-war-reverts = Reverts of one page that open a dispute (2 or more)
charter-field-edit-war-window = … within (like 24h)
charter-field-edit-war-lock-to = Lowest standing that edits a disputed page
charter-field-locked-fields = Rules spaces inside may not change, separated by commas (like visibility, edit.approvals_required)
charter-choice-stewards = directly, by a steward
charter-choice-vote = by a vote of the members
charter-choice-protection-none = like the other pages
charter-protect-title = Protect the page “{ $page }”
charter-group-membership = Reading and joining
charter-group-publishing = Publishing and review
charter-group-protection = Page protection
charter-group-protection-help = Who may edit the space's pages, and one page in particular.
charter-group-rates = Edit limits
charter-group-rates-help = The most edits a standing may make, like 10/h (s, m, h or d); empty: no limit.
charter-group-promotion = Newcomers' promotion
charter-group-vote-charter-change = Vote on a charter change
charter-group-vote-role-change = Vote on a change of standing
charter-group-vote-appeal = Vote on an appeal of a sanction
charter-group-vote-dispute = Vote on a dispute
charter-group-vote-create-space = Vote on creating a space inside
charter-group-sanctions = Graduated sanctions
charter-group-edit-war = Edit wars
charter-group-children = Spaces inside
charter-expect-page = A page of the space, by its name.
charter-expect-rate = A limit like 10/h (s, m, h or d), of one edit at least; each standing allows at least what the one below may, and a standing without a limit leaves none to the standings above.
charter-expect-locked-fields = Rules of the charter, like visibility or edit.approvals_required, separated by commas.
charter-expect-approvals = A number from 1 to 100.
charter-expect-page-bytes = A number of bytes from 1 to 16,777,216 (16 MiB).
charter-expect-percent = A percentage from 0 to 100.
charter-expect-span = A duration longer than zero, like 30s, 90m, 12h or 3d.
charter-expect-ladder = At least one step among warning, probation:<duration>, suspension:<duration> and ban, separated by commas.
charter-expect-reverts = A number, 2 or more.
charter-expect-count = A whole number, 0 or more.
charter-expect-choice = One of the choices offered.
protection-heading = Protection
protection-propose = Propose a change of who may edit this page

## Log and health
space-log = Governance log
space-health = Health
log-title = Governance log of { $space }
log-action = Action
log-any-action = (any)
log-member = Member
log-by = By
log-target = About
log-reason = Reason
log-system = the system
log-empty = Nothing in the log matches.
health-title = Health of { $space }
health-as-data = the figures as data (JSON)
health-last-30 = The last 30 days
health-by-week = Week by week (12 weeks)
health-pending = Edits waiting for review now
health-median-review = Median time to review
health-active = Active contributors
health-revert-rate = Revert rate
health-retention = Newcomers who stayed (joined 30 to 60 days ago)
health-numbers = The numbers
health-week-of = Week of
health-value = Value
health-chart-reviewed = Reviews settled per week
health-chart-review-time = Median time to review, per week
health-chart-contributors = Active contributors per week
health-chart-reverts = Share of changes that were reverts, per week
health-chart-retention = Newcomers who went on to edit, by week of joining
health-chart-summary = This week: { $latest }; highest: { $highest } (week of { $week }).
health-chart-empty = Nothing to show over these weeks yet.
log-action-space-create = space created
log-action-join = joined
log-action-join-accept = join accepted
log-action-leave = left
log-action-standing-change = standing changed
log-action-promotion = promoted
log-action-review-approve = review: approved
log-action-review-reject = review: rejected
log-action-publish = published after review
log-action-rollback = rollback
log-action-mass-rollback = mass rollback
log-action-proposal-open = proposal opened
log-action-vote = vote
log-action-proposal-close = proposal closed
log-action-charter-change = charter changed
log-action-protection-change = protection changed
log-action-report = report
log-action-sanction = sanction
log-action-sanction-lift = sanction lifted
log-action-appeal = appeal
log-action-dispute-open = dispute opened
log-action-dispute-resolve = dispute settled
log-action-admin-power = administrator power
member-appeal = Appeal: members vote on lifting it
member-appeal-why = Why it should be lifted
member-appealed = appealed: see the vote

## Mass rollback
rollback-title = Roll back a member’s edits
rollback-explain = Every edit the member made here since that moment is undone, page by page; later edits by others are kept when they merge. Look at the dry run first, then confirm. Times are in UTC.
rollback-since = Since (UTC)
rollback-preview = Show what it would do
rollback-confirm = Roll back these pages
rollback-dry-run = What the rollback would do
rollback-applied = Rolled back
rollback-pages = { $count ->
    [one] { $n } page
   *[other] { $n } pages
}
rollback-pending = { $count ->
    [one] { $n } waiting edit rejected
   *[other] { $n } waiting edits rejected
}
rollback-deleted = deleted (the member created it)
rollback-kept = { $count ->
    [one] { $n } later edit kept
   *[other] { $n } later edits kept
}
rollback-conflicts = Left as they are (later edits do not merge)
me-go-proposal = the proposal in { $space }
me-go-review = the review queue of { $space }
me-go-standing = your standing in { $space }
member-report = Report this member
member-report-why = What happened (reviewers and stewards read it)
member-report-button = Report
member-reported = Your report is recorded; reviewers and stewards will look at it.
member-sanction = Sanction
member-ladder = The ladder: the charter’s next step, or a lighter one
member-ladder-next = the charter’s next step
member-ladder-too-heavy = heavier than the next step: not allowed
member-sanction-button = Issue the sanction
member-sanctioned = The sanction is issued and in the public log.
member-appointed = New standing: { $standing }. The appointment is in the public log.
dispute-heading = Dispute this page
dispute-reason = Why it is disputed
dispute-help = The page is then locked to reviewers (or as the charter says) until members settle it by a vote; talk it over on the talk page.
dispute-button = Open a dispute
dispute-settle = Propose how to settle it
dispute-title = Dispute over “{ $title }”
dispute-back = Back to the page
dispute-lock = While disputed
dispute-lock-to = editing takes standing { $standing } or above
dispute-outcome = The proposal
dispute-rollback-to = Roll the page back to the revision below
dispute-revision = Revision
proposal-effect-keep = Keep the page as it is
proposal-effect-rollback = Roll the page back to revision { $revision } (the changes below)
proposal-effect-appeal = Lift the sanction appealed
space-child-by-vote = Here, spaces inside are created by a vote: the form opens a proposal.
space-proposal-title = Create the space “{ $title }”
member-role-proposal = Propose a new standing (by a vote)
member-role-proposal-title = { $user } as { $standing }

## Administrators
admin-title = Administration
admin-explain = Administrators hold only the powers this instance’s configuration grants (--admin-powers); they do not govern spaces. Each use asks for a reason and is written in the space’s governance log.
admin-granted = Powers granted
admin-none = This instance grants its administrators no power over spaces.
admin-power-takedown = take down the text of a revision (a legal request), everywhere it appears in its page’s history
admin-power-restore-stewardship = give a steward back to a space that has none left
admin-takedown = Take down a revision’s text
admin-takedown-button = Take it down
admin-restore = Give a space a steward back
admin-restore-button = Make them steward
admin-taken-down = { $count ->
    [one] One revision taken down; it reads as a notice now.
   *[other] { $n } revisions taken down; they read as a notice now.
}
admin-restored = { $user } is steward of the space again.
reviews-report = Report this revision
dispute-login-to-settle = Log in to propose how to settle it
log-target-revision = revision { $id }
log-target-proposal = proposal { $id }
log-target-dispute = dispute { $id }
log-target-sanction = sanction { $id }
