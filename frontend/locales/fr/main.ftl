# Ostrom — messages de l’interface, en français.
# Voir docs/web.md pour ajouter ou corriger un message.

## Cadre de chaque page

skip-to-content = Aller au contenu
search-label = Rechercher dans le wiki
search-placeholder = Rechercher…
search-button = Rechercher
nav-personal = Outils personnels
nav-site = Le site
nav-page = Outils de la page
nav-home = Accueil
nav-feed = Flux Atom des modifications
nav-api = API
log-in = Se connecter
log-out = Se déconnecter
register = Créer un compte
language-label = Langue de l’interface :

## Accueil

home-title = Bienvenue sur Ostrom
home-lead = Un wiki pour les savoirs que des communautés partagent et gouvernent ensemble.
home-spaces = Espaces
home-changes = Modifications récentes
home-no-changes = Aucune modification pour l’instant.

## Lecture d’une page

tab-read = Lire
tab-edit = Modifier
tab-propose = Proposer une modification
tab-history = Historique
tab-talk = Discussion
toc-heading = Sommaire
redirected-from = (Redirigé depuis « { $title } »)
dispute-banner = Cette page est en litige.
dispute-explain = Jusqu’à sa résolution, seuls certains membres peuvent la modifier.
dispute-talk = Participer à la discussion
pending-notice = Cette version attend une relecture.
page-tags = Étiquettes :
page-last-change = Dernière modification le
tool-backlinks = Pages liées
tool-last-diff = Dernière modification
tool-print = Imprimer
bytes-count = { $count ->
    [one] { $n } octet
   *[other] { $n } octets
}
revisions-count = { $count ->
    [one] { $n } révision
   *[other] { $n } révisions
}

missing-explain = Cette page n’existe pas encore dans l’espace { $space }.
missing-create = Créer cette page
missing-log-in-to-create = Se connecter pour créer cette page
missing-search = Rechercher « { $title } » dans le wiki
deleted-explain = Cette page a été supprimée. Son historique reste consultable, et une révision antérieure peut être rétablie.
deleted-history = Voir l’historique
deleted-revision = Révision de la suppression :

info-title = Informations sur « { $title } »
info-created = Créée le
info-updated = Modifiée le
info-revision = Révision publiée
info-size = Taille
info-lang = Langue de la page
info-backlinks = Pages qui mènent ici
info-no-backlinks = Aucune page ne mène ici.

## Modification

edit-creating = Création de « { $title } »
edit-editing = Modification de « { $title } »
edit-will-be-reviewed = Votre modification sera relue avant d’être publiée.
edit-changes-heading = Vos modifications
edit-preview-heading = Aperçu
edit-text-label = Texte de la page (Markdown)
edit-text-help = Liens internes : [[Titre de page]]. Ctrl+S publie.
edit-summary-label = Résumé de la modification
edit-save = Publier
edit-preview = Prévisualiser
edit-show-changes = Voir les modifications
edit-cancel = Annuler
conflict-title = Conflit de modification
conflict-explain = Quelqu’un a modifié les mêmes passages pendant que vous écriviez. Votre texte est conservé ci-dessous : comparez-le au texte actuel, fusionnez, puis publiez de nouveau.
conflict-changes = Différences entre le texte actuel et le vôtre
conflict-yours = Votre texte (à corriger puis publier)
conflict-yours-help = Il sera publié par-dessus la version actuelle : gardez-en ce qui doit rester.
conflict-current = Texte actuel de la page
queued-title = Modification en attente de relecture
queued-explain = Merci ! Votre modification a été enregistrée. Elle sera publiée après relecture par un membre de l’espace.
queued-history = Voir l’historique de la page
queued-back = Revenir à la page

## Historique et différences

history-title = Historique de « { $title } »
history-empty = Cette page n’a aucune révision visible.
history-from = Comparer depuis la révision
history-to = Comparer jusqu’à la révision
history-when = Date
history-author = Auteur
history-size = Taille
history-summary = Résumé
history-compare = Comparer les révisions choisies
history-older = Révisions plus anciennes
state-pending = en attente
state-rejected = refusée
diff-title = Différences de « { $title } »
diff-from = De la révision
diff-to = à la révision
diff-side = Côte à côte
diff-inline = En ligne
diff-label = Différences
diff-hunk = Passage modifié, ligne
diff-old-line = Ligne avant
diff-new-line = Ligne après
diff-text = Texte
diff-old-text = Texte avant
diff-new-text = Texte après
diff-removed = Retiré :
diff-added = Ajouté :
diff-no-changes = Aucune différence.

## Recherche

search-title = Recherche
search-filters = Filtres
search-space = Espace
search-lang = Langue
search-lang-any = Toutes
search-tag = Étiquette
search-total = { $count ->
    [one] { $n } page trouvée
   *[other] { $n } pages trouvées
}
search-nothing = Aucune page ne correspond. Essayez d’autres mots.
search-pages = Pages de résultats
search-previous = Résultats précédents
search-next = Résultats suivants

## Comptes

login-title = Connexion
login-failed = Nom d’utilisateur ou mot de passe incorrect.
login-no-account = Pas encore de compte ?
register-title = Créer un compte
register-password-help = Au moins 8 caractères. Une phrase est plus facile à retenir.
register-setup = Code d’installation (premier compte d’une nouvelle instance)
register-have-account = Déjà un compte ?
field-username = Nom d’utilisateur
field-password = Mot de passe
field-email = Adresse électronique (facultative)
field-setup-code = Code d’installation

## Erreurs

error-detail = Détail technique
error-retry-after = { $count ->
    [one] Réessayez dans { $n } seconde.
   *[other] Réessayez dans { $n } secondes.
}

error-malformed-json = Requête mal formée
error-malformed-json-help = Les données envoyées ne sont pas lisibles.
error-invalid-input = Saisie invalide
error-invalid-input-help = Une valeur est incorrecte ou hors limites ; corrigez-la et réessayez.
error-unknown-revision = Révision inconnue
error-unknown-revision-help = Cette révision n’existe pas pour cette page, ou vous ne pouvez pas la voir.
error-locked-field = Règle verrouillée
error-locked-field-help = L’espace parent a verrouillé cette règle de la charte.
error-step-too-heavy = Étape trop lourde
error-step-too-heavy-help = L’échelle des sanctions demande d’abord une étape plus légère.
error-unauthenticated = Connexion nécessaire
error-unauthenticated-help = Connectez-vous pour continuer.
error-forbidden = Action refusée
error-forbidden-help = La charte de cet espace ne vous permet pas de faire cela ici.
error-not-member = Réservé aux membres
error-not-member-help = Rejoignez cet espace pour contribuer.
error-protected-page = Page protégée
error-protected-page-help = Modifier cette page demande un statut plus élevé dans l’espace.
error-disputed-page = Page en litige
error-disputed-page-help = Tant que le litige n’est pas résolu, seuls certains membres peuvent modifier la page. Discutez-en sur la page de discussion.
error-suspended = Compte suspendu
error-suspended-help = Une sanction en vigueur suspend votre compte dans cet espace.
error-banned = Compte exclu
error-banned-help = Votre compte est exclu de cet espace.
error-self-approval = Auto-approbation
error-self-approval-help = On ne peut pas approuver sa propre contribution.
error-conflict-of-interest = Conflit d’intérêts
error-conflict-of-interest-help = Les parties d’une affaire ne peuvent pas la trancher.
error-needs-proposal = Proposition nécessaire
error-needs-proposal-help = La charte demande de passer par une proposition et un vote.
error-not-eligible = Vote impossible
error-not-eligible-help = Vous ne faites pas partie des votants de cette proposition.
error-not-found = Page introuvable
error-not-found-help = Rien ne se trouve à cette adresse. Cherchez ce que vous vouliez lire, ou revenez à l’accueil.
error-method-not-allowed = Action impossible ici
error-method-not-allowed-help = Cette adresse ne répond pas à cette action.
error-edit-conflict = Conflit de modification
error-edit-conflict-help = Quelqu’un a modifié les mêmes lignes entre-temps.
error-username-taken = Nom déjà pris
error-username-taken-help = Un compte porte déjà ce nom, ou un nom qui lui ressemble trop ; choisissez-en un autre.
error-name-taken = Nom déjà utilisé
error-name-taken-help = Vous avez déjà un jeton de ce nom.
error-page-exists = La page existe
error-page-exists-help = Une page porte déjà ce titre.
error-space-exists = L’espace existe
error-space-exists-help = Un espace porte déjà ce nom.
error-not-pending = Plus en attente
error-not-pending-help = Cette révision n’attend plus de relecture.
error-proposal-closed = Proposition close
error-proposal-closed-help = Le vote est terminé.
error-no-eligible-voters = Aucun votant
error-no-eligible-voters-help = Personne ne pourrait voter sur cette proposition.
error-already-appealed = Déjà contestée
error-already-appealed-help = Cette sanction a déjà fait l’objet d’un appel.
error-not-in-force = Plus en vigueur
error-not-in-force-help = Cette sanction a pris fin ou a été levée.
error-already-disputed = Déjà en litige
error-already-disputed-help = Cette page fait déjà l’objet d’un litige.
error-not-disputed = Pas de litige
error-not-disputed-help = Cette page ne fait pas l’objet d’un litige.
error-has-stewards = L’espace a ses intendants
error-has-stewards-help = Un intendant de l’espace peut encore agir.
error-deleted = Page supprimée
error-deleted-help = Cette page a été supprimée ; son historique reste consultable.
error-too-large = Trop volumineux
error-too-large-help = Le texte envoyé dépasse la taille permise.
error-uri-too-long = Adresse trop longue
error-uri-too-long-help = L’adresse demandée est trop longue.
error-missing-base = Révision de départ manquante
error-missing-base-help = Rechargez la page avant de la modifier.
error-rate-limited = Trop de demandes
error-rate-limited-help = Patientez un peu avant de réessayer.
error-internal = Erreur interne
error-internal-help = Un problème est survenu sur le serveur ; il a été consigné. Réessayez.
error-busy = Serveur occupé
error-busy-help = Le serveur est très sollicité ; réessayez dans un instant.
error-timeout = Délai dépassé
error-timeout-help = La demande a pris trop de temps ; réessayez.

## Personnes, suivi, modifications récentes

nav-changes = Modifications récentes
nav-notifications = Notifications
nav-unread = non lues
watch-button = Suivre cette page
unwatch-button = Ne plus suivre cette page
move-heading = Renommer la page
move-to = Nouveau titre
move-help = L’ancien titre redirigera vers le nouveau.
move-button = Renommer
delete-heading = Supprimer la page
delete-reason = Motif
delete-help = L’historique est conservé ; une révision antérieure peut être rétablie.
delete-button = Supprimer
revert-button = Rétablir la révision { $count }
changes-title = Modifications récentes
contributions-title = Contributions de { $user }
changes-user = Contributeur ou contributrice
changes-state = État
changes-state-any = Tous
changes-filter = Filtrer
changes-page = Page
changes-what = Modification
state-published = publiée
me-title = Mon compte
me-sections = Sections du compte
me-watchlist = Pages suivies
me-preferences = Préférences
me-tokens = Jetons d’API
me-password = Mot de passe
me-contributions = Mes contributions
me-no-notifications = Aucune notification.
me-new = nouveau
me-no-watchlist = Vous ne suivez aucune page. Le bouton « Suivre cette page » se trouve au bas de chaque page.
me-language-browser = Celle du navigateur
me-save = Enregistrer
me-tokens-help = Un jeton permet à un programme d’utiliser l’API en votre nom. Il n’est montré qu’une fois.
me-revoke = Révoquer
me-token-name = Nom du jeton
me-token-expires = Expiration (facultative, date RFC 3339)
me-token-create = Créer un jeton
me-token-created = Voici votre jeton. Copiez-le maintenant : il ne sera plus affiché.
me-token-revoked = Le jeton « { $name } » est révoqué.
me-current-password = Mot de passe actuel
me-new-password = Nouveau mot de passe
me-password-help = Changer de mot de passe ferme vos autres sessions.
me-change-password = Changer le mot de passe
me-log-out-everywhere = Se déconnecter partout
standing-newcomer = nouveau membre
standing-contributor = contributeur
standing-reviewer = relecteur
standing-steward = intendant

## Événements

event-create = création
event-edit = modification
event-revert = rétablissement
event-delete = suppression
event-move = renommage
event-account-create = création de compte
event-space-create = création d’espace
event-join = adhésion
event-join-request = demande d’adhésion
event-join-accept = adhésion acceptée
event-standing-change = changement de statut
event-promotion = promotion
event-review-approve = relecture approuvée
event-review-reject = relecture refusée
event-publish = publication
event-mass-rollback = annulation en masse
event-proposal-open = proposition ouverte
event-vote = vote
event-proposal-close = proposition close
event-charter-change = charte modifiée
event-protection-change = protection modifiée
event-report = signalement
event-sanction = sanction
event-sanction-lift = sanction levée
event-appeal = appel
event-dispute-open = litige ouvert
event-dispute-resolve = litige résolu
event-admin-power = action d’administration

permalink-notice = Révision { $count } de la page, du
permalink-current = Voir la version actuelle.
tool-permalink = Lien permanent
history-diff = diff
full-width = Pleine largeur
search-did-you-mean = Vouliez-vous dire
search-did-you-mean-end =  ?

## Espaces
nav-spaces = Espaces
home-page-slug = Accueil
spaces-title = Espaces
spaces-none = Aucun espace pour l’instant.
spaces-space = Espace
spaces-members = Membres
spaces-last-change = Dernière modification
spaces-inside = dans { $parent }
spaces-member-count = { $count ->
    [one] { $n } membre
   *[other] { $n } membres
}
spaces-create = Créer un espace
spaces-field-title = Titre
spaces-field-slug = Nom court (dans les adresses)
spaces-field-slug-help = Minuscules sans accents, chiffres et tirets, par exemple « donnees-ouvertes ».
spaces-field-parent = Dans l’espace
spaces-first-rules = Premières règles
spaces-first-rules-help = Facultatif : ce qui n’est pas choisi vient de l’espace englobant ou des règles de l’instance. La charte se change ensuite par un vote des membres.
spaces-inherit = comme l’espace englobant
spaces-approvals-help = Les modifications des nouveaux membres attendent ce nombre d’approbations par des relecteurs ; vide : comme l’espace englobant.
spaces-promotion-help = Vide : comme l’espace englobant.
spaces-field-no-parent = (aucun : espace de premier niveau)
spaces-create-button = Créer l’espace
spaces-login-to-create = Connectez-vous pour créer un espace
space-inside = Dans l’espace
space-sections = Dans cet espace
space-home-page = Page d’accueil
space-charter = Charte
space-membership = Adhésion
space-your-standing = Vous êtes membre : { $standing }.
space-why-standing = pourquoi, et la suite
space-leave = Quitter cet espace
space-join = Rejoindre cet espace
space-request-join = Demander à rejoindre
space-login-to-join = Connectez-vous pour rejoindre cet espace
space-not-member = Vous n’êtes pas membre de cet espace.
space-join-requested = Votre demande d’adhésion est enregistrée ; un relecteur ou un intendant y répondra.
space-left = Vous avez quitté l’espace.
space-pages = Pages
space-no-pages = Aucune page pour l’instant.
space-recent = Modifications récentes
space-members = { $count ->
    [one] { $n } membre
   *[other] { $n } membres
}
space-children = Espaces intérieurs
space-create-child = Créer un espace à l’intérieur
event-leave = départ
error-last-steward = Dernier intendant
error-last-steward-help = Un espace garde au moins un intendant : un autre intendant doit être choisi (par une proposition de changement de rôle) avant votre départ.

## La charte en clair
charter-title = Charte de { $space }
charter-back = Retour à l’espace
charter-inherits = Hérite de
charter-explain = Les règles de cet espace. Les membres peuvent proposer de les changer ; le changement est soumis au vote.
charter-locked = verrouillée par un espace englobant
charter-set-here = fixée par cet espace
charter-inherited = héritée
charter-locks-here = Règles que cet espace verrouille pour ses espaces intérieurs
charter-raw = La charte en données (JSON)
charter-raw-own = Les règles propres à cet espace (un patch de fusion)
charter-raw-resolved = Les règles telles qu’elles s’appliquent ici
charter-section-access = Lire et rejoindre
charter-section-editing = Modifier et relire
charter-section-standing = Statut
charter-section-decisions = Décisions collectives
charter-section-sanctions = Sanctions
rule-visibility-public = Tout le monde peut lire cet espace.
rule-visibility-members = Seuls ses membres peuvent lire cet espace ; pour les autres, il n’existe pas.
rule-join-open = Toute personne ayant un compte peut le rejoindre ; une première contribution suffit.
rule-join-approval = Un relecteur ou un intendant accepte chaque demande d’adhésion.
rule-join-invite = On n’y entre que sur invitation.
rule-publish = Les modifications des membres au statut { $standing } ou plus sont publiées aussitôt ; les autres attendent une relecture.
rule-approvals = Une modification en attente est publiée après { $count ->
    [one] une approbation
   *[other] { $n } approbations
} de membres au statut { $standing } ou plus ; un seul rejet la rejette.
rule-self-approval-yes = Les auteurs peuvent approuver leurs propres modifications.
rule-self-approval-no = Les auteurs ne peuvent pas approuver leurs propres modifications.
rule-lazy = Une modification en attente que personne n’a rejetée est publiée au bout de { $span } (consensus tacite).
rule-lazy-none = Une modification en attente n’est publiée que par des approbations.
rule-max-page = Une page compte au plus { $size }.
rule-protection-default = Modifier une page demande le statut { $standing } ou plus.
rule-protection-page = Modifier la page « { $page } » demande le statut { $standing } ou plus.
rule-rate-s = Au statut { $standing }, au plus { $n } modifications par seconde.
rule-rate-m = Au statut { $standing }, au plus { $count ->
    [one] une modification
   *[other] { $n } modifications
} par minute.
rule-rate-h = Au statut { $standing }, au plus { $count ->
    [one] une modification
   *[other] { $n } modifications
} par heure.
rule-rate-d = Au statut { $standing }, au plus { $count ->
    [one] une modification
   *[other] { $n } modifications
} par jour.
rule-edit-war = { $count ->
    [one] Une annulation
   *[other] { $n } annulations
} d’une page en { $span } la réservent aux membres au statut { $standing } ou plus (guerre d’édition).
rule-promotion = Un nouveau membre devient contributeur après { $count ->
    [one] une modification acceptée
   *[other] { $n } modifications acceptées
} et { $span } d’ancienneté.
rule-appointments = Un intendant nomme les relecteurs ; les intendants sont choisis par un vote (changement de rôle).
rule-vote = { $kind } : les membres au statut { $standing } ou plus votent pendant { $span } ; il faut que { $quorum } d’entre eux votent, et la proposition passe avec { $threshold } de oui parmi les oui et les non.
rule-subspaces-stewards = Un intendant peut créer des espaces à l’intérieur de celui-ci.
rule-subspaces-vote = Les espaces à l’intérieur de celui-ci sont créés par un vote.
rule-ladder = Les sanctions, de la plus légère à la plus lourde : { $steps }.
rule-decay = Après { $span } sans sanction, l’échelle repart du début.
proposal-kind-charter_change = Changer la charte
proposal-kind-role_change = Attribuer un statut
proposal-kind-appeal = Faire appel d’une sanction
proposal-kind-dispute = Trancher un litige
proposal-kind-create_space = Créer un espace intérieur
step-warning = avertissement
step-probation = mise à l’épreuve ({ $span } : les modifications passent en relecture)
step-suspension = suspension ({ $span })
step-ban = exclusion
percent = { $n } %
span-s = { $count ->
    [one] une seconde
   *[other] { $n } secondes
}
span-m = { $count ->
    [one] une minute
   *[other] { $n } minutes
}
span-h = { $count ->
    [one] une heure
   *[other] { $n } heures
}
span-d = { $count ->
    [one] un jour
   *[other] { $n } jours
}
size-bytes = { $n } octets
size-kib = { $n } Kio
size-mib = { $n } Mio

## Le statut expliqué
member-title = { $user } dans { $space }
member-contributions = Contributions
member-standing = Statut
member-inherited = enregistré dans { $space }
member-since = Membre depuis
member-accepted-edits = Modifications acceptées
member-edit-count = { $count ->
    [one] { $n } modification
   *[other] { $n } modifications
}
member-rule = Pourquoi
member-why-appointed = Nomination au statut { $standing } par { $by }, le { $date }.
member-why-voted = Statut { $standing } accordé par un vote des membres, le { $date }.
member-why-promoted = Promotion le { $date }, par la règle de la charte : assez de modifications acceptées et d’ancienneté.
member-why-founded = Création de l’espace, le { $date } : qui crée un espace en est l’intendant.
member-why-reason = Motif : « { $reason } ».
space-sanctions = Sanctions
sanctions-title = Sanctions dans { $space }
sanctions-explain = Le registre public des sanctions prononcées dans l’espace, des plus récentes aux plus anciennes : qui, quelle étape de l’échelle, pourquoi, par qui et jusqu’à quand.
sanctions-none = Aucune sanction n’a été prononcée ici.
sanctions-ladder = L’échelle des sanctions
sanctions-step = Étape
sanctions-from = Depuis
sanctions-until = Jusqu’au
sanctions-lifted = levée
sanctions-in-force = en vigueur
sanctions-over = terminée
sanctions-recorded = inscrit
sanctions-appeal = l’appel
sanctions-older = Sanctions plus anciennes
member-next = Étape suivante : { $standing }
member-progress-edits = Modifications acceptées
member-progress-days = Jours d’ancienneté
member-missing = Il manque encore :
member-nothing-missing = Il ne manque rien : la promotion viendra à la prochaine vérification.
member-sanctions = Sanctions en vigueur
member-no-sanctions = Aucune sanction en vigueur.
member-sanction-by = par { $user }
member-sanction-until = jusqu’au
member-appoint = Nommer
member-appoint-reason = Raison (pour le journal)
member-appoint-button = Fixer le statut
member-steward-by-vote = Les intendants sont choisis par une proposition de changement de rôle.
missing-edits = { $count ->
    [one] encore une modification acceptée
   *[other] encore { $n } modifications acceptées
}
missing-days = { $count ->
    [one] encore un jour d’ancienneté
   *[other] encore { $n } jours d’ancienneté
}
missing-no-sanction = aucune sanction en vigueur
missing-appointment = une nomination par un intendant
missing-proposal = une proposition de changement de rôle adoptée
standing-rule-newcomer = A rejoint l’espace (ou y a contribué tant qu’il est ouvert).
standing-rule-contributor = Promu après assez de modifications acceptées et d’ancienneté.
standing-rule-reviewer = Nommé par un intendant.
standing-rule-steward = A créé l’espace, ou a été choisi par un vote de changement de rôle.

## File de relecture
space-review-queue = File de relecture
reviews-title = File de relecture de { $space }
reviews-rules = les règles de relecture
reviews-empty = Rien n’attend de relecture.
reviews-keys = Touches : j et k passent d’une révision à l’autre, a approuve, r mène au commentaire pour rejeter.
reviews-revision = révision { $revision }
reviews-approvals = Approbations
reviews-conflicting = La page a changé depuis et cette modification ne se fusionne plus proprement : l’approuver échouera ; l’auteur peut la refaire.
reviews-reports = { $count ->
    [one] { $n } signalement vise cette révision
   *[other] { $n } signalements visent cette révision
}
reviews-own = Votre propre modification : d’autres membres la relisent.
reviews-comment = Commentaire (facultatif ; dites pourquoi si vous rejetez)
reviews-approve = Approuver
reviews-reject = Rejeter
reviews-published = Approuvée et publiée.
reviews-rejected = Rejetée : l’auteur en est averti.
reviews-approved = Approuvée : { $n } sur { $required } approbations nécessaires ; elle attend les autres.
me-pending = Vos modifications en attente de relecture
reviews-takes = Relire demande le statut { $standing } ou plus.
reviews-author = Auteur :
reviews-summary = « { $summary } »

## Propositions et votes
space-proposals = Propositions
proposals-title = Propositions de { $space }
proposals-filter = Propositions par état
proposals-all = Toutes
proposals-none = Aucune proposition ici.
proposals-back = Toutes les propositions
proposal-state-open = ouverte
proposal-state-passed = adoptée
proposal-state-rejected = rejetée
proposal-title = Titre
proposal-kind = Nature
proposal-state = État
proposal-closes = Clôture
proposal-by = par { $user }
proposal-opened = Ouverte par
proposal-left = encore { $span }
proposal-rationale = Pourquoi
proposal-changes = Ce qu’elle change
proposal-now = Aujourd’hui :
proposal-proposed = Proposé :
proposal-effect-role = { $user } deviendrait { $standing }.
proposal-effect-space = Un espace « { $space } » serait créé à l’intérieur de celui-ci.
proposal-tally = Votes
proposal-rules = { $count ->
    [one] Un membre peut voter
   *[other] { $n } membres peuvent voter
} ; le vote compte si { $quorum } % d’entre eux y prennent part, et la proposition passe avec { $threshold } % de oui parmi les oui et les non.
proposal-bar-legend = Vert : oui ; rouge : non ; gris : abstention ; le trait pointillé marque le quorum.
proposal-voted = Votants
proposal-result = Résultat
proposal-vote = Votre vote
proposal-your-vote = Votre vote : { $choice }. Vous pouvez le changer jusqu’à la clôture.
proposal-cast-vote = Voter
proposal-change-vote = Changer mon vote
proposal-login-to-vote = Connectez-vous pour voter
vote-yes = oui
vote-no = non
vote-abstain = abstention
charter-propose = Proposer un changement
charter-back-to-charter = Retour à la charte
charter-propose-explain = Changez les règles que vous voulez changer ; les autres restent telles quelles. Les membres votent sur la proposition ; si elle passe, la charte change.
charter-propose-button = Ouvrir le vote
charter-propose-nothing = rien n’a changé : changez au moins une règle
charter-field-locked = Verrouillée par un espace englobant : elle se change là-bas.
charter-field-visibility = Qui peut lire
charter-field-join = Comment on entre
charter-field-edit-publish-directly-min = Statut minimal dont les modifications sont publiées aussitôt
charter-field-edit-approvals-required = Approbations qui publient une modification en attente (1 à 100)
charter-field-edit-review-min = Statut minimal pour relire
charter-field-edit-self-approval = Les auteurs approuvent leurs propres modifications
charter-field-promotion-accepted-edits = Modifications acceptées pour qu’un nouveau membre devienne contributeur
charter-field-promotion-min-age = Ancienneté nécessaire (par exemple 3d, 12h)
charter-field-review-lazy-consensus-after = Publier une modification que personne n’a rejetée au bout de (par exemple 7d ; vide : jamais)
charter-choice-public = tout le monde
charter-choice-members = les membres seulement
charter-choice-open = ouvert à tous
charter-choice-approval = sur acceptation
charter-choice-invite = sur invitation
charter-choice-true = oui
charter-choice-false = non
charter-field-subspaces = Comment se créent les espaces à l’intérieur
charter-field-edit-max-page-bytes = Taille maximale d’une page, en octets
charter-field-protection-default = Statut minimal pour modifier une page
charter-field-vote-eligible-min = Statut minimal pour voter
charter-field-vote-quorum = Quorum : part des votants possibles qui doivent voter (en %)
charter-field-vote-threshold = Seuil : part de « oui » parmi les « oui » et les « non » pour adopter (en %)
charter-field-vote-duration = Durée du vote (par exemple 72h, 3d)
charter-field-sanctions-ladder = Échelle des sanctions, de la plus légère à la plus lourde, séparées par des virgules (warning, probation:7d, suspension:1d, ban)
charter-field-sanctions-decay = Une sanction ne compte plus pour la suivante au bout de (par exemple 180d)
charter-field-edit-war-reverts = Annulations d’une même page qui ouvrent un litige (2 ou plus)
charter-field-edit-war-window = … dans un délai de (par exemple 24h)
charter-field-edit-war-lock-to = Statut minimal pour modifier une page en litige
charter-field-locked-fields = Règles que les espaces à l’intérieur ne peuvent pas changer, séparées par des virgules (par exemple visibility, edit.approvals_required)
charter-choice-stewards = directement, par un intendant
charter-choice-vote = par un vote des membres
charter-choice-protection-none = comme les autres pages
charter-protect-title = Protéger la page « { $page } »
charter-group-membership = Lecture et adhésion
charter-group-publishing = Publication et relecture
charter-group-protection = Protection des pages
charter-group-protection-help = Qui peut modifier les pages de l’espace, et telle page en particulier.
charter-group-rates = Limites de modifications
charter-group-rates-help = Le plus de modifications qu’un statut peut faire, par exemple 10/h (s, m, h ou d) ; vide : sans limite.
charter-group-promotion = Promotion des nouveaux membres
charter-group-vote-charter-change = Vote sur un changement de charte
charter-group-vote-role-change = Vote sur un changement de statut
charter-group-vote-appeal = Vote sur un appel de sanction
charter-group-vote-dispute = Vote sur un litige
charter-group-vote-create-space = Vote sur la création d’un espace à l’intérieur
charter-group-sanctions = Sanctions graduées
charter-group-edit-war = Guerres d’édition
charter-group-children = Espaces à l’intérieur
charter-expect-page = Une page de l’espace, par son nom.
charter-expect-rate = Une limite comme 10/h (s, m, h ou d), d’au moins une modification ; chaque statut permet au moins autant que celui du dessous, et un statut sans limite n’en laisse pas aux statuts au-dessus.
charter-expect-locked-fields = Des règles de la charte, comme visibility ou edit.approvals_required, séparées par des virgules.
charter-expect-approvals = Un nombre entre 1 et 100.
charter-expect-page-bytes = Un nombre d’octets entre 1 et 16 777 216 (16 Mio).
charter-expect-percent = Un pourcentage entre 0 et 100.
charter-expect-span = Une durée plus longue que zéro, comme 30s, 90m, 12h ou 3d.
charter-expect-ladder = Au moins un échelon parmi warning, probation:<durée>, suspension:<durée> et ban, séparés par des virgules.
charter-expect-reverts = Un nombre, 2 ou plus.
charter-expect-count = Un nombre entier, 0 ou plus.
charter-expect-choice = Un des choix proposés.
protection-heading = Protection
protection-propose = Proposer de changer qui peut modifier cette page

## Journal et santé
space-log = Journal de gouvernance
space-health = Santé
log-title = Journal de gouvernance de { $space }
log-action = Action
log-any-action = (toutes)
log-member = Membre
log-by = Par
log-target = Concerne
log-reason = Raison
log-system = le système
log-empty = Rien dans le journal ne correspond.
health-title = Santé de { $space }
health-as-data = les chiffres en données (JSON)
health-last-30 = Les 30 derniers jours
health-by-week = Semaine par semaine (12 semaines)
health-pending = Modifications en attente de relecture
health-median-review = Délai médian de relecture
health-active = Contributeurs actifs
health-revert-rate = Taux d’annulation
health-retention = Nouveaux membres restés actifs (arrivés il y a 30 à 60 jours)
health-numbers = Les chiffres
health-week-of = Semaine du
health-value = Valeur
health-chart-reviewed = Relectures tranchées par semaine
health-chart-review-time = Délai médian de relecture, par semaine
health-chart-contributors = Contributeurs actifs par semaine
health-chart-reverts = Part des modifications qui sont des annulations, par semaine
health-chart-retention = Nouveaux membres qui ont ensuite contribué, par semaine d’arrivée
health-chart-summary = Cette semaine : { $latest } ; maximum : { $highest } (semaine du { $week }).
health-chart-empty = Rien à montrer sur ces semaines pour l’instant.
log-action-space-create = création d’espace
log-action-join = adhésion
log-action-join-accept = adhésion acceptée
log-action-leave = départ
log-action-standing-change = changement de statut
log-action-promotion = promotion
log-action-review-approve = relecture : approuvée
log-action-review-reject = relecture : rejetée
log-action-publish = publiée après relecture
log-action-rollback = annulation
log-action-mass-rollback = annulation en masse
log-action-proposal-open = proposition ouverte
log-action-vote = vote
log-action-proposal-close = proposition close
log-action-charter-change = charte changée
log-action-protection-change = protection changée
log-action-report = signalement
log-action-sanction = sanction
log-action-sanction-lift = sanction levée
log-action-appeal = appel
log-action-dispute-open = litige ouvert
log-action-dispute-resolve = litige tranché
log-action-admin-power = pouvoir d’administration
member-appeal = Faire appel : les membres votent sur sa levée
member-appeal-why = Pourquoi la lever
member-appealed = appel en cours : voir le vote

## Annulation en masse
rollback-title = Annuler les modifications d’un membre
rollback-explain = Toutes les modifications faites ici par ce membre depuis ce moment sont annulées, page par page ; les modifications ultérieures des autres sont gardées quand elles se fusionnent. Regardez d’abord la simulation, puis confirmez. Les heures sont en UTC.
rollback-since = Depuis (UTC)
rollback-preview = Voir ce que cela ferait
rollback-confirm = Annuler sur ces pages
rollback-dry-run = Ce que l’annulation ferait
rollback-applied = Annulation faite
rollback-pages = { $count ->
    [one] { $n } page
   *[other] { $n } pages
}
rollback-pending = { $count ->
    [one] { $n } modification en attente rejetée
   *[other] { $n } modifications en attente rejetées
}
rollback-deleted = supprimée (le membre l’avait créée)
rollback-kept = { $count ->
    [one] { $n } modification ultérieure gardée
   *[other] { $n } modifications ultérieures gardées
}
rollback-conflicts = Laissées telles quelles (des modifications ultérieures ne se fusionnent pas)
me-go-proposal = la proposition dans { $space }
me-go-review = la file de relecture de { $space }
me-go-standing = votre statut dans { $space }
member-report = Signaler ce membre
member-report-why = Ce qui s’est passé (lu par les relecteurs et intendants)
member-report-button = Signaler
member-reported = Votre signalement est enregistré ; relecteurs et intendants l’examineront.
member-sanction = Sanctionner
member-ladder = L’échelle : l’étape suivante selon la charte, ou une plus légère
member-ladder-next = l’étape suivante selon la charte
member-ladder-too-heavy = plus lourde que l’étape suivante : interdite
member-sanction-button = Prononcer la sanction
member-sanctioned = La sanction est prononcée et inscrite au journal public.
member-appointed = Nouveau statut : { $standing }. La nomination est inscrite au journal public.
dispute-heading = Contester cette page
dispute-reason = Pourquoi elle est contestée
dispute-help = La page est alors réservée aux relecteurs (ou selon la charte) jusqu’à ce que les membres tranchent par un vote ; discutez-en sur la page de discussion.
dispute-button = Ouvrir un litige
dispute-settle = Proposer comment trancher
dispute-title = Litige sur « { $title } »
dispute-back = Retour à la page
dispute-lock = Pendant le litige
dispute-lock-to = modifier demande le statut { $standing } ou plus
dispute-outcome = La proposition
dispute-rollback-to = Ramener la page à la révision ci-dessous
dispute-revision = Révision
proposal-effect-keep = Garder la page telle qu’elle est
proposal-effect-rollback = Ramener la page à la révision { $revision } (les changements ci-dessous)
proposal-effect-appeal = Lever la sanction contestée
space-child-by-vote = Ici, les espaces intérieurs sont créés par un vote : le formulaire ouvre une proposition.
space-proposal-title = Créer l’espace « { $title } »
member-role-proposal = Proposer un nouveau statut (par un vote)
member-role-proposal-title = { $user } comme { $standing }

## Administration
admin-title = Administration
admin-explain = Les administrateurs n’ont que les pouvoirs que la configuration de l’instance leur donne (--admin-powers) ; ils ne gouvernent pas les espaces. Chaque usage demande une raison et s’inscrit au journal de gouvernance de l’espace.
admin-granted = Pouvoirs accordés
admin-none = Cette instance ne donne à ses administrateurs aucun pouvoir sur les espaces.
admin-power-takedown = retirer le texte d’une révision (une demande légale), partout où il figure dans l’historique de sa page
admin-power-restore-stewardship = rendre un intendant à un espace qui n’en a plus
admin-takedown = Retirer le texte d’une révision
admin-takedown-button = Retirer
admin-restore = Rendre un intendant à un espace
admin-restore-button = Nommer intendant
admin-taken-down = { $count ->
    [one] Une révision retirée ; elle se lit désormais comme un avis.
   *[other] { $n } révisions retirées ; elles se lisent désormais comme un avis.
}
admin-restored = { $user } est de nouveau intendant de l’espace.
reviews-report = Signaler cette révision
dispute-login-to-settle = Connectez-vous pour proposer comment trancher
log-target-revision = révision { $id }
log-target-proposal = proposition { $id }
log-target-dispute = litige { $id }
log-target-sanction = sanction { $id }
