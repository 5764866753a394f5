#!/bin/bash
# crm-unfence-peer.9.sh - handler "after-resync-target" de DRBD 9 pour un cluster Pacemaker
# (version du lab de LINBIT drbd-utils, ou c'est un lien vers crm-fence-peer.9.sh).
#
# DRBD le lance sur le noeud qui vient de finir sa resynchronisation (SyncTarget) : ses
# donnees sont de nouveau a jour, la contrainte drbd-fence-by-handler-<ressource>-<clone>
# posee par crm-fence-peer.9.sh n'a plus lieu d'etre : il la retire de la CIB.
# Code de retour : 0 (contrainte retiree, ou aucune), 1 si la CIB est inaccessible.
/usr/lib/drbd/crm-fence-peer.9.sh --unfence
exit $?
