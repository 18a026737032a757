package org.gridpacs.dose.transport;

import java.util.HashMap;
import java.util.Map;

import org.gridpacs.dose.phantom.Phantom;
import org.gridpacs.dose.physics.PhysicsTables;

/**
 * The phantom as the inner loop reads it: each voxel holds a 16-bit index into a small table of the distinct
 * (medium, density) pairs of the phantom, so that a photon's Woodcock step or an electron step reads one 2-byte
 * entry of one array instead of a medium byte and a float density from two arrays (3.05 M voxels: 6 MB instead of
 * 15 MB, one cache line instead of two). The density is the voxel's float density, widened to double exactly as the
 * inner loop did before, so the physics and the random stream are unchanged.
 *
 * <p>A phantom with more than 65 536 distinct pairs (more than a 16-bit CT can produce) gets one pair per voxel
 * ({@link #pair} is null and the pair index is the voxel index). Built once per run and shared read-only by the
 * worker threads; a snapshot: later changes to the phantom's arrays are not seen.
 */
public final class Voxels {
    /** Pair index per voxel, or null when the pair index is the voxel index. */
    final char[] pair;
    /** Density of each pair, g/cm3, and its inverse (energy to dose in the electron steps). */
    final double[] rho;
    final double[] invRho;
    /** Medium of each pair. */
    final int[] medium;
    /** Table offset of each pair's medium (medium * PhysicsTables.N). */
    final int[] offset;
    /** Highest density of each medium (index = medium), for the Woodcock majorant. */
    final double[] rhoMax;

    public Voxels(Phantom ph, int media) {
        float[] density = ph.density;
        byte[] mat = ph.material;
        int n = density.length;
        rhoMax = new double[media];
        for (int i = 0; i < n; i++) {
            int m = mat[i];
            if (m < 0 || m >= media) {
                throw new IllegalArgumentException("voxel " + i + ": medium " + m + " has no tables");
            }
            if (density[i] > rhoMax[m]) {
                rhoMax[m] = density[i];
            }
        }
        Map<Long, Integer> index = new HashMap<>();
        char[] p = new char[n];
        long lastKey = -1;
        int last = -1;
        for (int i = 0; i < n; i++) {
            long key = ((long) mat[i] << 32) | (Float.floatToRawIntBits(density[i]) & 0xFFFFFFFFL);
            if (key != lastKey) {
                Integer k = index.get(key);
                if (k == null) {
                    k = index.size();
                    if (k > Character.MAX_VALUE) {
                        p = null;
                        break;
                    }
                    index.put(key, k);
                }
                lastKey = key;
                last = k;
            }
            p[i] = (char) last;
        }
        int count = p == null ? n : index.size();
        rho = new double[count];
        invRho = new double[count];
        medium = new int[count];
        offset = new int[count];
        if (p == null) {
            for (int i = 0; i < n; i++) {
                set(i, mat[i], density[i]);
            }
        } else {
            for (Map.Entry<Long, Integer> e : index.entrySet()) {
                long key = e.getKey();
                set(e.getValue(), (int) (key >>> 32), Float.intBitsToFloat((int) key));
            }
        }
        pair = p;
    }

    private void set(int k, int m, float density) {
        rho[k] = density;
        invRho[k] = 1 / rho[k];
        medium[k] = m;
        offset[k] = m * PhysicsTables.N;
    }

    /** Number of distinct (medium, density) pairs (the voxel count when there are too many). */
    public int pairs() {
        return rho.length;
    }
}
