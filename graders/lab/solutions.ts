/**
 * Reference lab scripts that other scenarios are built on (engine/lab-script.ts format). They
 * use the real DRBD commands the workshop's wrapper scripts stand for (see the RealDrbd notes
 * of the chapters), and `mkfs.ext4` before the first mount: real DRBD gives a blank device.
 */
/** TP1 steps 3 and 4: both nodes up, node1 Primary, initial sync finished. */
export const TP1_SYNC = `# Étape 3 : initialiser DRBD sur les deux nœuds, node1 Primary (synchronisation initiale)
node1$ drbdadm create-md r0
node1$ drbdadm up r0
node1$ drbdadm primary --force r0
node2$ drbdadm create-md r0
node2$ drbdadm up r0
# Étape 4 : attendre la fin de la synchronisation initiale (1 GiB à 100 MiB/s)
wait 30s
node1$ drbdadm status r0
`;

export const TP1_SOLUTION = `# scenario: fresh
# Étape 1 : démarrer l’environnement
host$ cd drbd-workshop && docker-compose up -d
${TP1_SYNC}# Étape 5 : système de fichiers, montage et fichiers de test
node1$ mkfs.ext4 -q /dev/drbd0
node1$ mkdir -p /mnt/drbd
node1$ mount /dev/drbd0 /mnt/drbd
node1$ echo "Donnees critiques - $(date)" > /mnt/drbd/test.txt
node1$ dd if=/dev/urandom of=/mnt/drbd/data.bin bs=1M count=10
node1$ ls -la /mnt/drbd/
`;
