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
