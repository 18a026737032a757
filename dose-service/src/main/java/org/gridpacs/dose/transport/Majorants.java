package org.gridpacs.dose.transport;

import java.util.Arrays;

import org.gridpacs.dose.phantom.Phantom;
import org.gridpacs.dose.physics.PhysicsTables;

/**
 * Regional Woodcock majorants: the phantom cut by a k-d tree into boxes ("regions", the tree's leaves), each with a
 * majorant table that bounds the attenuation coefficient of every voxel in it at every energy. A photon spends its
 * optical depth region by region (piecewise-constant majorant along the path, exact), so that in a homogeneous region
 * there are (almost) no null collisions, while a photon crosses only the few regions of a typical phantom or CT.
 *
 * <p>Levels: each (medium, density) pair gets a level from its kappa = max over energies of its mu(E) divided by the
 * global majorant M(E) (the phantom's densest pair of each medium), quantised to {@link #LEVELS} equal steps of
 * (0, 1]. A region's level is the highest level of its voxels, and level l's majorant table is the exact maximum of
 * rho x mu(E) over all pairs of the phantom with level at most l (so a region of one pair has that pair's own
 * coefficient as majorant, and the top level is the global majorant). The levels only decide which voxels may be
 * merged; the bound is exact.
 *
 * <p>The tree: built top-down over the voxel grid, splitting at voxel planes until a box holds one level (or is
 * small), then pruned bottom-up with a cost model per unit isotropic photon fluence (the Cauchy/surface-area
 * heuristic): a region costs {@code crossingCost x S/4} boundary crossings plus its expected null collisions, the
 * integral of (its majorant - the majorant of the voxel's level) over its volume, at a representative energy; a subtree is
 * replaced by one region when that is cheaper. For slab phantoms this gives one region per slab.
 *
 * <p>Built once per run and shared read-only by the worker threads.
 */
public final class Majorants {
    /** Number of kappa levels. */
    public static final int LEVELS = 16;
    /** Cost of one region crossing (a tree descent and an exit distance), in null collisions (measured ~0.2-0.4). */
    public static final double DEFAULT_CROSSING_COST = 0.3;
    /** Nodes with fewer voxels are not split. */
    private static final int MIN_SPLIT_VOXELS = 64;
    /** Energy at which the null-collision cost of the tree is estimated, MeV. */
    private static final double COST_ENERGY = 1.5;

    /** Majorant per level and energy interval, flat [level * N + i] (1/cm), and its inverse. */
    final double[] table;
    final double[] invTable;
    /** Tree: root (&gt;= 0 an internal node, else ~leaf). */
    final int root;
    final int[] nodeAxis;
    final double[] nodeSplit;
    final int[] nodeLeft;
    final int[] nodeRight;
    /** Per leaf: level x N (the offset of its majorant table). */
    final int[] leafTable;
    /** Per leaf: 6 voxel-index bounds (x lo, x hi, y lo, y hi, z lo, z hi; hi exclusive). */
    final int[] leafBox;
    /** Per leaf: the (medium, density) pair of all its voxels, or -1 if they differ. */
    final int[] leafPair;
    /** Per leaf: the same bounds in cm (lo = x0 + ilo dx, hi = x0 + ihi dx, as the transport computes them). */
    final double[] leafBounds;
    /** {@link #leafBox} as doubles, for the photon's in-box test in voxel units. */
    final double[] leafVoxels;

    // build state
    private final double crossingCost;
    private final int nx;
    private final int ny;
    private final int nz;
    private byte[] level;
    private final double[] costKappa;
    private final double dx;
    private final double dy;
    private final double dz;
    private final double x0;
    private final double y0;
    private final double z0;
    private int nodes;
    private int leaves;
    private int[] bAxis = new int[16];
    private double[] bSplit = new double[16];
    private int[] bLeft = new int[16];
    private int[] bRight = new int[16];
    private int[] bLeafLevel = new int[16];
    private int[] bLeafBox = new int[16 * 6];

    /** Regional majorants for the phantom. */
    public static Majorants build(PhysicsTables tables, Phantom ph, Voxels voxels) {
        return build(tables, ph, voxels, DEFAULT_CROSSING_COST);
    }

    /** Regional majorants with a region crossing costing {@code crossingCost} null collisions in the tree's cost model. */
    public static Majorants build(PhysicsTables tables, Phantom ph, Voxels voxels, double crossingCost) {
        return new Majorants(tables, ph, voxels, LEVELS, crossingCost);
    }

    /** One region, the global majorant (Woodcock tracking as before the regions; for comparisons and tests). */
    public static Majorants global(PhysicsTables tables, Phantom ph, Voxels voxels) {
        return new Majorants(tables, ph, voxels, 1, DEFAULT_CROSSING_COST);
    }

    private Majorants(PhysicsTables tables, Phantom ph, Voxels voxels, int levels, double crossingCost) {
        this.crossingCost = crossingCost;
        int n = PhysicsTables.N;
        int count = tables.count;
        double[] mu = tables.muTotal;
        nx = ph.nx;
        ny = ph.ny;
        nz = ph.nz;
        dx = ph.dx;
        dy = ph.dy;
        dz = ph.dz;
        x0 = ph.x0;
        y0 = ph.y0;
        z0 = ph.z0;
        // global majorant per energy interval (without the safety factor)
        double[] global = new double[n];
        for (int i = 0; i < n - 1; i++) {
            double mx = 0;
            for (int m = 0; m < count; m++) {
                mx = Math.max(mx, voxels.rhoMax[m] * Math.max(mu[m * n + i], mu[m * n + i + 1]));
            }
            global[i] = mx;
        }
        // per medium: the largest ratio of its coefficient (unit density) to the global majorant
        double[] kappaUnit = new double[count];
        for (int m = 0; m < count; m++) {
            for (int i = 0; i < n - 1; i++) {
                if (global[i] > 0) {
                    kappaUnit[m] = Math.max(kappaUnit[m], Math.max(mu[m * n + i], mu[m * n + i + 1]) / global[i]);
                }
            }
        }
        // level of each pair, and the highest density per (level, medium)
        int pairs = voxels.rho.length;
        byte[] pairLevel = new byte[pairs];
        double[] rhoMax = new double[levels * count];
        for (int c = 0; c < pairs; c++) {
            int m = voxels.medium[c];
            double rho = voxels.rho[c];
            double kappa = rho * kappaUnit[m];
            int l = (int) Math.ceil(kappa * levels) - 1;
            l = l < 0 ? 0 : (l >= levels ? levels - 1 : l);
            pairLevel[c] = (byte) l;
            rhoMax[l * count + m] = Math.max(rhoMax[l * count + m], rho);
        }
        for (int l = 1; l < levels; l++) {
            for (int m = 0; m < count; m++) {
                rhoMax[l * count + m] = Math.max(rhoMax[l * count + m], rhoMax[(l - 1) * count + m]);
            }
        }
        table = new double[levels * n];
        invTable = new double[levels * n];
        for (int l = 0; l < levels; l++) {
            for (int i = 0; i < n - 1; i++) {
                double mx = 0;
                for (int m = 0; m < count; m++) {
                    mx = Math.max(mx, rhoMax[l * count + m] * Math.max(mu[m * n + i], mu[m * n + i + 1]));
                }
                table[l * n + i] = mx * 1.000001 + 1e-30;
            }
            table[l * n + n - 1] = table[l * n + n - 2];
            for (int i = 0; i < n; i++) {
                invTable[l * n + i] = 1 / table[l * n + i];
            }
        }
        // per voxel level, and the cost model's kappa per level at the cost energy
        int nv = ph.voxels();
        level = new byte[nv];
        for (int i = 0; i < nv; i++) {
            level[i] = pairLevel[voxels.pair == null ? i : voxels.pair[i]];
        }
        int ie = (int) Math.min(n - 2, Math.max(0, (Math.log(COST_ENERGY) - tables.lnEmin) * tables.invDl));
        costKappa = new double[levels];
        for (int l = 0; l < levels; l++) {
            costKappa[l] = table[l * n + ie];
        }
        int r = levels == 1 ? ~leaf(0, nx, 0, ny, 0, nz, 0) : buildNode(0, nx, 0, ny, 0, nz, new double[1]);
        root = r;
        nodeAxis = Arrays.copyOf(bAxis, nodes);
        nodeSplit = Arrays.copyOf(bSplit, nodes);
        nodeLeft = Arrays.copyOf(bLeft, nodes);
        nodeRight = Arrays.copyOf(bRight, nodes);
        leafTable = new int[leaves];
        leafBox = Arrays.copyOf(bLeafBox, leaves * 6);
        leafBounds = new double[leaves * 6];
        leafVoxels = new double[leaves * 6];
        for (int k = 0; k < leafVoxels.length; k++) {
            leafVoxels[k] = leafBox[k];
        }
        for (int k = 0; k < leaves; k++) {
            leafTable[k] = bLeafLevel[k] * n;
            int[] b = leafBox;
            leafBounds[6 * k] = x0 + b[6 * k] * dx;
            leafBounds[6 * k + 1] = x0 + b[6 * k + 1] * dx;
            leafBounds[6 * k + 2] = y0 + b[6 * k + 2] * dy;
            leafBounds[6 * k + 3] = y0 + b[6 * k + 3] * dy;
            leafBounds[6 * k + 4] = z0 + b[6 * k + 4] * dz;
            leafBounds[6 * k + 5] = z0 + b[6 * k + 5] * dz;
        }
        // regions of one (medium, density) pair: the transport need not read the voxel's pair there
        leafPair = new int[leaves];
        for (int k = 0; k < leaves; k++) {
            leafPair[k] = uniformPair(voxels.pair, leafBox, 6 * k);
        }
        level = null;
        bAxis = null;
        bSplit = null;
        bLeft = null;
        bRight = null;
        bLeafLevel = null;
        bLeafBox = null;
    }

    private int uniformPair(char[] pair, int[] box, int b) {
        if (pair == null) {
            return -1; // one pair per voxel
        }
        int c = pair[box[b] + nx * (box[b + 2] + ny * box[b + 4])];
        for (int iz = box[b + 4]; iz < box[b + 5]; iz++) {
            for (int iy = box[b + 2]; iy < box[b + 3]; iy++) {
                int base = nx * (iy + ny * iz);
                for (int ix = box[b]; ix < box[b + 1]; ix++) {
                    if (pair[base + ix] != c) {
                        return -1;
                    }
                }
            }
        }
        return c;
    }

    /** The (medium, density) pair of all voxels of region k, or -1 if they differ. */
    public int regionPair(int k) {
        return leafPair[k];
    }

    /** Whether these regions were built for the phantom's grid (size, spacing and origin). */
    boolean sameGrid(Phantom ph) {
        return ph.nx == nx && ph.ny == ny && ph.nz == nz && ph.dx == dx && ph.dy == dy && ph.dz == dz && ph.x0 == x0
                && ph.y0 == y0 && ph.z0 == z0;
    }

    /** Number of regions. */
    public int regions() {
        return leafTable.length;
    }

    /** Voxel-index bounds of region k: x lo, x hi, y lo, y hi, z lo, z hi (hi exclusive). */
    public int[] regionBox(int k) {
        return Arrays.copyOfRange(leafBox, 6 * k, 6 * k + 6);
    }

    /** Majorant (1/cm) of region k on energy interval i. */
    public double majorant(int k, int i) {
        return table[leafTable[k] + i];
    }

    /** The region containing the point; on a region boundary, the one the direction (u,v,w) enters. */
    public int locate(double x, double y, double z, double u, double v, double w) {
        int k = root;
        while (k >= 0) {
            int a = nodeAxis[k];
            double c = a == 0 ? x : (a == 1 ? y : z);
            double d = a == 0 ? u : (a == 1 ? v : w);
            double p = nodeSplit[k];
            k = c > p || (c == p && d > 0) ? nodeRight[k] : nodeLeft[k];
        }
        return ~k;
    }

    private int leaf(int ax0, int ax1, int ay0, int ay1, int az0, int az1, int lv) {
        if (leaves == bLeafLevel.length) {
            bLeafLevel = Arrays.copyOf(bLeafLevel, leaves * 2);
            bLeafBox = Arrays.copyOf(bLeafBox, leaves * 12);
        }
        bLeafLevel[leaves] = lv;
        int b = 6 * leaves;
        bLeafBox[b] = ax0;
        bLeafBox[b + 1] = ax1;
        bLeafBox[b + 2] = ay0;
        bLeafBox[b + 3] = ay1;
        bLeafBox[b + 4] = az0;
        bLeafBox[b + 5] = az1;
        return leaves++;
    }

    private double leafCost(int ax0, int ax1, int ay0, int ay1, int az0, int az1, int lvMax, double sumKappa) {
        double lx = (ax1 - ax0) * dx;
        double ly = (ay1 - ay0) * dy;
        double lz = (az1 - az0) * dz;
        double area = 2 * (lx * ly + ly * lz + lz * lx);
        double vv = dx * dy * dz;
        long nvox = (long) (ax1 - ax0) * (ay1 - ay0) * (az1 - az0);
        return crossingCost * area / 4 + (costKappa[lvMax] * nvox - sumKappa) * vv;
    }

    /**
     * Builds the subtree of the box and returns its root (&gt;= 0 node, else ~leaf); cost[0] receives its cost.
     * Splits at the voxel plane with the least sum of the two halves' null-collision cost plus a penalty for mixed
     * levels (so that a plane between two levels is found even where it alone saves nothing, e.g. a lung slab between
     * water), then keeps the split only if the pruned subtree is cheaper than one region.
     */
    private int buildNode(int ax0, int ax1, int ay0, int ay1, int az0, int az1, double[] cost) {
        int sx = ax1 - ax0;
        int sy = ay1 - ay0;
        int sz = az1 - az0;
        int[] maxX = new int[sx];
        int[] minX = new int[sx];
        double[] sumX = new double[sx];
        int[] maxY = new int[sy];
        int[] minY = new int[sy];
        double[] sumY = new double[sy];
        int[] maxZ = new int[sz];
        int[] minZ = new int[sz];
        double[] sumZ = new double[sz];
        Arrays.fill(minX, Integer.MAX_VALUE);
        Arrays.fill(minY, Integer.MAX_VALUE);
        Arrays.fill(minZ, Integer.MAX_VALUE);
        Arrays.fill(maxX, -1);
        Arrays.fill(maxY, -1);
        Arrays.fill(maxZ, -1);
        double[] ck = costKappa;
        for (int iz = az0; iz < az1; iz++) {
            int kz = iz - az0;
            for (int iy = ay0; iy < ay1; iy++) {
                int ky = iy - ay0;
                int base = nx * (iy + ny * iz);
                int rowMax = -1;
                int rowMin = Integer.MAX_VALUE;
                double rowSum = 0;
                for (int ix = ax0; ix < ax1; ix++) {
                    int l = level[base + ix];
                    int kx = ix - ax0;
                    double c = ck[l];
                    if (l > maxX[kx]) {
                        maxX[kx] = l;
                    }
                    if (l < minX[kx]) {
                        minX[kx] = l;
                    }
                    sumX[kx] += c;
                    if (l > rowMax) {
                        rowMax = l;
                    }
                    if (l < rowMin) {
                        rowMin = l;
                    }
                    rowSum += c;
                }
                maxY[ky] = Math.max(maxY[ky], rowMax);
                minY[ky] = Math.min(minY[ky], rowMin);
                sumY[ky] += rowSum;
                maxZ[kz] = Math.max(maxZ[kz], rowMax);
                minZ[kz] = Math.min(minZ[kz], rowMin);
                sumZ[kz] += rowSum;
            }
        }
        int lvMax = -1;
        int lvMin = Integer.MAX_VALUE;
        double sum = 0;
        for (int k = 0; k < sz; k++) {
            lvMax = Math.max(lvMax, maxZ[k]);
            lvMin = Math.min(lvMin, minZ[k]);
            sum += sumZ[k];
        }
        double asLeaf = leafCost(ax0, ax1, ay0, ay1, az0, az1, lvMax, sum);
        long nvox = (long) sx * sy * sz;
        // bound: any split adds at least twice the smallest cross-section to the surface, and can save at most all
        // of the node's null collisions; when that cannot pay, one region is optimal (also bounds the build time)
        double ax = sx > 1 ? sy * dy * sz * dz : Double.POSITIVE_INFINITY;
        double ay = sy > 1 ? sx * dx * sz * dz : Double.POSITIVE_INFINITY;
        double az = sz > 1 ? sx * dx * sy * dy : Double.POSITIVE_INFINITY;
        double minSplitCost = crossingCost * 2 * Math.min(ax, Math.min(ay, az)) / 4;
        double nulls = (costKappa[lvMax] * nvox - sum) * dx * dy * dz;
        if (lvMax == lvMin || nvox < MIN_SPLIT_VOXELS || nulls <= minSplitCost) {
            cost[0] = asLeaf;
            return ~leaf(ax0, ax1, ay0, ay1, az0, az1, lvMax);
        }
        // best plane over the three axes
        double best = Double.POSITIVE_INFINITY;
        int bestAxis = -1;
        int bestK = -1;
        for (int a = 0; a < 3; a++) {
            int[] mx = a == 0 ? maxX : (a == 1 ? maxY : maxZ);
            int[] mn = a == 0 ? minX : (a == 1 ? minY : minZ);
            double[] sm = a == 0 ? sumX : (a == 1 ? sumY : sumZ);
            int len = mx.length;
            if (len < 2) {
                continue;
            }
            double slabVox = (double) nvox / len; // voxels per slice
            // suffix max/min/sum
            int[] rMax = new int[len + 1];
            int[] rMin = new int[len + 1];
            double[] rSum = new double[len + 1];
            rMax[len] = -1;
            rMin[len] = Integer.MAX_VALUE;
            for (int k = len - 1; k >= 0; k--) {
                rMax[k] = Math.max(rMax[k + 1], mx[k]);
                rMin[k] = Math.min(rMin[k + 1], mn[k]);
                rSum[k] = rSum[k + 1] + sm[k];
            }
            int lMax = -1;
            int lMin = Integer.MAX_VALUE;
            double lSum = 0;
            for (int k = 1; k < len; k++) {
                lMax = Math.max(lMax, mx[k - 1]);
                lMin = Math.min(lMin, mn[k - 1]);
                lSum += sm[k - 1];
                double nl = slabVox * k;
                double nr = slabVox * (len - k);
                double waste = ck[lMax] * nl - lSum + ck[rMax[k]] * nr - rSum[k];
                double mixed = (ck[lMax] - ck[lMin]) * nl + (ck[rMax[k]] - ck[rMin[k]]) * nr;
                double score = waste + 0.5 * mixed;
                if (score < best) {
                    best = score;
                    bestAxis = a;
                    bestK = k;
                }
            }
        }
        int mark = nodes;
        int leafMark = leaves;
        int node = nodes++;
        if (node == bAxis.length) {
            bAxis = Arrays.copyOf(bAxis, node * 2);
            bSplit = Arrays.copyOf(bSplit, node * 2);
            bLeft = Arrays.copyOf(bLeft, node * 2);
            bRight = Arrays.copyOf(bRight, node * 2);
        }
        double[] c = new double[1];
        int left;
        int right;
        double sub;
        if (bestAxis == 0) {
            left = buildNode(ax0, ax0 + bestK, ay0, ay1, az0, az1, c);
            sub = c[0];
            right = buildNode(ax0 + bestK, ax1, ay0, ay1, az0, az1, c);
            bSplit[node] = x0 + (ax0 + bestK) * dx;
        } else if (bestAxis == 1) {
            left = buildNode(ax0, ax1, ay0, ay0 + bestK, az0, az1, c);
            sub = c[0];
            right = buildNode(ax0, ax1, ay0 + bestK, ay1, az0, az1, c);
            bSplit[node] = y0 + (ay0 + bestK) * dy;
        } else {
            left = buildNode(ax0, ax1, ay0, ay1, az0, az0 + bestK, c);
            sub = c[0];
            right = buildNode(ax0, ax1, ay0, ay1, az0 + bestK, az1, c);
            bSplit[node] = z0 + (az0 + bestK) * dz;
        }
        sub += c[0];
        if (asLeaf <= sub) {
            // one region is cheaper: drop the subtree
            nodes = mark;
            leaves = leafMark;
            cost[0] = asLeaf;
            return ~leaf(ax0, ax1, ay0, ay1, az0, az1, lvMax);
        }
        bAxis[node] = bestAxis;
        bLeft[node] = left;
        bRight[node] = right;
        cost[0] = sub;
        return node;
    }
}
