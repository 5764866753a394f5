#!/bin/bash
# crm-fence-peer.9.sh - handler "fence-peer" de DRBD 9 pour un cluster Pacemaker
# (version du lab, simplifiee a partir de LINBIT drbd-utils, scripts/crm-fence-peer.9.sh).
#
# A declarer dans la ressource (exercice 9.3) :
#   net      { fencing resource-only; }
#   handlers {
#       fence-peer          "/usr/lib/drbd/crm-fence-peer.9.sh";
#       after-resync-target "/usr/lib/drbd/crm-unfence-peer.9.sh";
#   }
#
# DRBD le lance quand il perd le lien de replication (sur le Primary, ou avant une promotion
# sans pair). Le script pose dans la CIB la contrainte
#     drbd-fence-by-handler-<ressource>-<clone>
# qui interdit le role Promoted (-INFINITY) sur tous les noeuds sauf celui-ci : Pacemaker ne
# promouvra pas le pair, dont les donnees ne sont plus a jour. crm-unfence-peer.9.sh la retire
# quand la resynchronisation est finie.
#
# Le code de retour est le verdict que DRBD attend :
#   4  le pair est joignable par le cluster : contrainte posee, pair considere Outdated
#   5  le pair est injoignable (UNCLEAN) : contrainte posee si mon disque est UpToDate
#   7  le pair a quitte le cluster proprement (node-level fenced) : contrainte posee
#   1  echec (Pacemaker arrete, clone introuvable...) : DRBD ecrit "fence-peer helper broken"
# Le vrai script attend aussi (timeout) que le pair soit fence par STONITH : pas ici.
#
# Tout ce qu'il ecrit part aussi dans /var/log/syslog (logger), comme le vrai.

# Chez LINBIT, crm-unfence-peer.9.sh est un lien vers ce script ; ici il le lance avec --unfence.
PROG=crm-fence-peer.9.sh
ACTION=fence
if [ "$1" = --unfence ]; then
    PROG=crm-unfence-peer.9.sh
    ACTION=unfence
fi
say() {
    echo "$*"
    logger -t "$PROG[$$]" "$*"
}

say "DRBD_RESOURCE=$DRBD_RESOURCE DRBD_PEER_NODE_ID=$DRBD_PEER_NODE_ID DRBD_PEER_ADDRESS=$DRBD_PEER_ADDRESS $0"
HOSTNAME=$(uname -n)
ID_PREFIX="drbd-fence-by-handler-$DRBD_RESOURCE"

# 1. La CIB de ce noeud (echoue si Pacemaker ne tourne pas ici).
if ! CIB=$(cibadmin -Ql 2>&1); then
    say "$CIB"
    exit 1
fi

# 2. Le clone promotable dont la primitive gere drbd_resource=<ressource>.
MASTER_ID=$(echo "$CIB" | sed -n -e '/<clone /h' \
    -e '/name="drbd_resource" value="'"$DRBD_RESOURCE"'"/{x;s/^.*<clone id="\([^"]*\)".*$/\1/p;q;}')
if [ -z "$MASTER_ID" ]; then
    say "WARNING drbd-fencing could not determine the master id of drbd resource $DRBD_RESOURCE"
    exit 1
fi
ID="$ID_PREFIX-$MASTER_ID"

# crm-unfence-peer.9.sh : la resynchronisation est finie, la contrainte n'a plus lieu d'etre.
if [ "$ACTION" = unfence ]; then
    if echo "$CIB" | grep -q "<rsc_location id=\"$ID\""; then
        pcs constraint delete "$ID" || exit 1
        say "INFO Removed constraint '$ID'"
    fi
    exit 0
fi

# 3. Mon disque (premier champ de "drbdadm dstate" : UpToDate, Consistent, Outdated...).
DISK=$(drbdadm dstate "$DRBD_RESOURCE" | cut -d/ -f1)

# 4. La contrainte est deja la : elle me convient (elle n'exclut que les autres) ou elle me rejette.
if echo "$CIB" | grep -q "<rsc_location id=\"$ID\""; then
    if echo "$CIB" | grep -q "operation=\"ne\" value=\"$HOSTNAME\" id=\"$ID-rule-expr\""; then
        say "INFO suitable constraint already placed: '$ID'"
        exit 4
    fi
    say "WARNING constraint already exists, and rejects me: '$ID'"
    say "WARNING DATA INTEGRITY at RISK: could not place the fencing constraint!"
    exit 1
fi

# 5. Le pair tel que le cluster le voit (section <status> de la CIB).
PEER=$(echo "$CIB" | grep '<node id=' | grep -v "uname=\"$HOSTNAME\"" | sed 's/^.*uname="\([^"]*\)".*$/\1/')
PEER_STATE=$(echo "$CIB" | grep "<node_state .*uname=\"$PEER\"")
case "$PEER_STATE" in
    *'crmd="online"'*) STATE=reachable ;;
    *'expected="down"'*) STATE=fenced ;;
    *) STATE=unclean ;;
esac

# 6. La contrainte : role Promoted interdit partout sauf sur ce noeud.
place_constraint() {
    if ! pcs constraint location "$MASTER_ID" rule role=Promoted score=-INFINITY \
        constraint-id="$ID" "#uname" ne "$HOSTNAME"; then
        say "WARNING DATA INTEGRITY at RISK: could not place the fencing constraint!"
        exit 1
    fi
}

if [ "$STATE" = reachable ] && { [ "$DISK" = UpToDate ] || [ "$DISK" = Consistent ]; }; then
    place_constraint
    say "INFO peers are reachable, my disk is $DISK: placed constraint '$ID'"
    exit 4
elif [ "$STATE" = fenced ] && [ "$DISK" = UpToDate ]; then
    place_constraint
    say "INFO peers are (node-level) fenced, my disk is $DISK: placed constraint '$ID'"
    exit 7
elif [ "$DISK" = UpToDate ]; then
    place_constraint
    say "INFO some peer is still UNCLEAN, my disk is UpToDate: placed constraint '$ID' anyways"
    exit 5
fi
say "WARNING some peer is UNCLEAN, my disk is not UpToDate, did not place the constraint!"
exit 5
