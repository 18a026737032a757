package org.gridpacs.dose.physics;

import java.util.List;

/**
 * Everything the inner loop looks up, tabulated once on a uniform grid in ln(E) from 10 keV to 20 MeV, one flat
 * array per quantity with material m at offset m*N. Linear interpolation between the fine grid points (which were
 * filled by log-log interpolation of the NIST tables).
 *
 * <p>Electron tables follow the class II scheme used here (see docs/dose-engine.md): continuous loss with the
 * restricted stopping power (S_col - S_hard(Wcc)) + S_rad*min(1, kc/T) (bremsstrahlung photons below kc absorbed on
 * the spot, collisions giving less than Wcc to the secondary electron in the continuous loss), discrete
 * bremsstrahlung above kc with a 1/k spectrum whose integral reproduces the tabulated S_rad, and discrete Moller
 * collisions above Wcc ({@link Moller}), so that the mean energy loss per unit path is that of the tables.
 */
public final class PhysicsTables {
    public static final double ELECTRON_MASS = 0.51099895;
    public static final double E_MIN = 0.01;
    public static final double E_MAX = 20.0;
    public static final int N = 1024;

    public final List<Material> materials;
    public final int count;
    public final double lnEmin = Math.log(E_MIN);
    public final double dl = Math.log(E_MAX / E_MIN) / (N - 1);
    public final double invDl = 1 / dl;
    /** Photon-energy cut for bremsstrahlung emission (the photon absorption cut-off), MeV. */
    public final double kc;
    /** Energy-transfer cut for hard (Moller) collisions: delta electrons above it are produced, MeV. */
    public final double wcc;

    // photon, cm2/g
    public final double[] muCompton;
    public final double[] muPhoto;
    public final double[] muPair;
    public final double[] muTotal;
    // electron
    /** Restricted (continuous) stopping power, MeV cm2/g. */
    public final double[] sRestricted;
    /** Range for the restricted stopping power, g/cm2. */
    public final double[] range;
    /** CSDA range from the total stopping power, g/cm2 (validation). */
    public final double[] csdaRange;
    /** Discrete bremsstrahlung (k > kc) interactions per g/cm2. */
    public final double[] brems;
    /** Hard Moller collisions (W > wcc) per g/cm2. */
    public final double[] moller;
    /**
     * Majorant of the discrete-event cross section brems + moller: its running maximum from the lowest energy up,
     * so that its value at the start of a step bounds the real cross section at every energy the step passes
     * (delta-scattering / thinning of the hard events, no bias), per g/cm2.
     */
    public final double[] hardMax;
    /** Multiple-scattering power: mean square polar angle per g/cm2, rad2 cm2/g. */
    public final double[] msPower;
    // inverse range: E as a function of ln(range) on a uniform grid per material
    public final double[] invRangeLnMin;
    public final double[] invRangeInvStep;
    public final double[] invRangeE;

    public PhysicsTables(List<Material> materials, double kc) {
        this(materials, kc, Double.POSITIVE_INFINITY);
    }

    /**
     * @param kc  bremsstrahlung production cut (photon absorption cut-off), MeV
     * @param wcc Moller production cut (delta electrons with more kinetic energy are simulated), MeV;
     *            infinite for no delta rays (all collision loss continuous)
     */
    public PhysicsTables(List<Material> materials, double kc, double wcc) {
        if (!(wcc >= E_MIN) || !(kc > 0)) {
            throw new IllegalArgumentException("cuts below the tables: kc " + kc + ", wcc " + wcc);
        }
        this.materials = List.copyOf(materials);
        this.count = materials.size();
        this.kc = kc;
        this.wcc = wcc;
        int size = count * N;
        muCompton = new double[size];
        muPhoto = new double[size];
        muPair = new double[size];
        muTotal = new double[size];
        sRestricted = new double[size];
        range = new double[size];
        csdaRange = new double[size];
        brems = new double[size];
        moller = new double[size];
        hardMax = new double[size];
        msPower = new double[size];
        invRangeLnMin = new double[count];
        invRangeInvStep = new double[count];
        invRangeE = new double[size];
        for (int m = 0; m < count; m++) {
            fill(m, materials.get(m));
        }
    }

    public double energy(int i) {
        return Math.exp(lnEmin + i * dl);
    }

    private void fill(int m, Material mat) {
        int o = m * N;
        double[] sTot = new double[N];
        for (int i = 0; i < N; i++) {
            double e = energy(i);
            double c = Material.logLog(mat.photonEnergy, mat.compton, e);
            double p = Material.logLog(mat.photonEnergy, mat.photoelectric, e);
            double pp = e <= 2 * ELECTRON_MASS ? 0 : Material.logLog(mat.photonEnergy, mat.pair, e);
            muCompton[o + i] = c;
            muPhoto[o + i] = p;
            muPair[o + i] = pp;
            muTotal[o + i] = c + p + pp;
            double col = Material.logLog(mat.electronEnergy, mat.collision, e);
            double rad = Material.logLog(mat.electronEnergy, mat.radiative, e);
            sTot[i] = col + rad;
            double hard = Moller.hardStoppingPower(e, wcc, mat.zOverA);
            sRestricted[o + i] = col - hard + rad * Math.min(1.0, kc / e);
            brems[o + i] = e > kc ? rad / e * Math.log(e / kc) : 0;
            moller[o + i] = Moller.crossSection(e, wcc, mat.zOverA);
            double sigma = brems[o + i] + moller[o + i];
            hardMax[o + i] = i == 0 ? sigma : Math.max(hardMax[o + i - 1], sigma);
        }
        // ranges: R(E) = R(E_MIN) + int dE/S, trapezoid in ln E (dE = E dlnE)
        double r0 = mat.csdaRange[0];
        range[o] = r0;
        csdaRange[o] = r0;
        for (int i = 1; i < N; i++) {
            double e0 = energy(i - 1);
            double e1 = energy(i);
            range[o + i] = range[o + i - 1] + 0.5 * dl * (e0 / sRestricted[o + i - 1] + e1 / sRestricted[o + i]);
            csdaRange[o + i] = csdaRange[o + i - 1] + 0.5 * dl * (e0 / sTot[i - 1] + e1 / sTot[i]);
        }
        for (int i = 0; i < N; i++) {
            double e = energy(i);
            double betaCp = e * (e + 2 * ELECTRON_MASS) / (e + ELECTRON_MASS);
            double x0 = mat.radiationLength;
            // CSDA range (independent of the production cuts)
            double corr = Math.max(0.3, 1 + 0.038 * Math.log(csdaRange[o + i] / x0));
            // Highland: theta0 = 13.6/(beta c p) sqrt(t/X0) (1 + 0.038 ln(t/X0)) with the log term taken over the residual range
            msPower[o + i] = 2 * (13.6 / betaCp) * (13.6 / betaCp) / x0 * corr * corr;
        }
        // inverse range table
        double lnR0 = Math.log(range[o]);
        double lnR1 = Math.log(range[o + N - 1]);
        double step = (lnR1 - lnR0) / (N - 1);
        invRangeLnMin[m] = lnR0;
        invRangeInvStep[m] = 1 / step;
        int j = 0;
        for (int i = 0; i < N; i++) {
            double r = Math.exp(lnR0 + i * step);
            while (j < N - 2 && range[o + j + 1] < r) {
                j++;
            }
            // linear in ln E between grid points j, j+1 against ln R
            double la = Math.log(range[o + j]);
            double lb = Math.log(range[o + j + 1]);
            double f = Math.min(1, Math.max(0, (Math.log(r) - la) / (lb - la)));
            invRangeE[o + i] = Math.exp(lnEmin + (j + f) * dl);
        }
        invRangeE[o] = E_MIN;
        invRangeE[o + N - 1] = E_MAX;
    }

    /** Fractional grid position of energy e (clamped into the table). */
    public double position(double e) {
        double x = (FastLog.ln(e) - lnEmin) * invDl;
        return x < 0 ? 0 : (x > N - 1.000001 ? N - 1.000001 : x);
    }

    /** Table value at fractional position x for material m. */
    public static double at(double[] t, int m, double x) {
        int i = (int) x;
        int k = m * N + i;
        return t[k] + (x - i) * (t[k + 1] - t[k]);
    }

    public double lookup(double[] table, int m, double e) {
        return at(table, m, position(e));
    }

    /** Kinetic energy left when the restricted range has fallen to r (g/cm2). */
    public double energyAtRange(int m, double r) {
        if (r <= range[m * N]) {
            return E_MIN * r / range[m * N];
        }
        double x = (FastLog.ln(r) - invRangeLnMin[m]) * invRangeInvStep[m];
        if (x >= N - 1) {
            return E_MAX;
        }
        int i = (int) x;
        int k = m * N + i;
        return invRangeE[k] + (x - i) * (invRangeE[k + 1] - invRangeE[k]);
    }

    public int index(String name) {
        for (int m = 0; m < count; m++) {
            if (materials.get(m).name.equals(name)) {
                return m;
            }
        }
        throw new IllegalArgumentException("no material " + name);
    }
}
