#!/bin/bash
# pg-failover.sh - Liberer PostgreSQL et r0 sur ce noeud pour un basculement (TP4 etape 5)
#
# A lancer sur le Primary actuel :
#   1. arret propre de PostgreSQL   su - postgres -c "pg_ctl -D /mnt/drbd/pgdata stop"
#   2. demontage                    umount /mnt/drbd
#   3. changement de role           drbdadm secondary r0
#   4. notification                 /var/log/drbd-alerts.log + syslog
# Ensuite, sur le nouveau Primary : drbd-role.sh primary, mount, pg_ctl start.

RES="${RES:-r0}"
MNT=/mnt/drbd
PGDATA=$MNT/pgdata
ME=$(uname -n)

usage() {
    echo "Usage: $0" >&2
    exit 1
}

run() {
    echo ">>> $*"
    command "$@"
}

[ $# -eq 0 ] || usage

echo "== 1. Arret de PostgreSQL"
if [ -f "$PGDATA/postmaster.pid" ]; then
    echo ">>> su - postgres -c \"pg_ctl -D $PGDATA stop\""
    su - postgres -c "pg_ctl -D $PGDATA stop" || exit $?
else
    echo "PostgreSQL ne tourne pas sur $ME ($PGDATA/postmaster.pid absent)"
fi
echo "== 2. Demontage de $MNT"
if mount | grep -q " on $MNT "; then
    run umount "$MNT" || exit $?
else
    echo "$MNT n'est pas monte"
fi
echo "== 3. $ME devient Secondary"
run drbdadm secondary "$RES" || exit $?
echo "== 4. Notification"
DRBD_RESOURCE=$RES /scripts/alert.sh failover "PostgreSQL arrete et $RES libere sur $ME : promouvoir le pair (drbd-role.sh primary, mount, pg_ctl start)"
