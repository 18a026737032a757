package org.gridpacs.dose.dicom;

import static org.gridpacs.dose.dicom.PlanAttributes.angle;
import static org.gridpacs.dose.dicom.PlanAttributes.code;
import static org.gridpacs.dose.dicom.PlanAttributes.integer;
import static org.gridpacs.dose.dicom.PlanAttributes.items;
import static org.gridpacs.dose.dicom.PlanAttributes.name;
import static org.gridpacs.dose.dicom.PlanAttributes.numbers;
import static org.gridpacs.dose.dicom.PlanAttributes.optional;
import static org.gridpacs.dose.dicom.PlanAttributes.plain;
import static org.gridpacs.dose.dicom.PlanAttributes.required;
import static org.gridpacs.dose.dicom.PlanAttributes.requiredItems;

import java.util.ArrayList;
import java.util.List;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Sequence;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dose.source.Beam;
import org.gridpacs.dose.source.Mlc;
import org.gridpacs.dose.source.PatientPosition;

/**
 * One item of the Beam Sequence -> the engine's static segments. The meterset between control points i and i + 1
 * (MU x (CMW[i+1] - CMW[i]) / Final CMW, PS3.3 C.8.8.14) is delivered with the machine interpolated between them: the
 * interval is cut into equal parts so that no part turns the gantry, collimator or couch more than 2 degrees or moves
 * a jaw or leaf more than 5 mm, and each part is a static segment with the geometry at its midpoint. Step-and-shoot
 * intervals (nothing moves) are one segment each; intervals with no meterset (beam off while leaves move) none.
 * Segments whose jaws or leaves are closed deliver nothing (no leaf transmission) and are left out.
 *
 * <p>Energy: NominalBeamEnergy 6 (MV) is the engine's 6 MV spectrum; 1.25 (the mean of cobalt-60's two lines, as
 * Co-60 plans give it) is Co-60. Anything else is refused by name.
 */
final class RtBeamReader {
    private static final double ENERGY_TOLERANCE = 0.05;

    private final DataSet beam;
    private final String where;
    private Beam.Kind kind;
    private double sadMm;
    private double[] boundaries; // MLCX leaf boundaries, mm
    private boolean hasX;
    private boolean hasY;
    private int leafPairs;
    private double support; // patient support and table top eccentric angles as last given, degrees
    private double eccentric;

    private RtBeamReader(DataSet beam, String where) {
        this.beam = beam;
        this.where = where;
    }

    /** "beam 2 'LAO'" (or "beam 2" without a name). */
    static String describe(DataSet beam) {
        String number = beam.getString(Tag.BeamNumber, "?");
        String name = beam.getString(Tag.BeamName);
        return "beam " + number + (name == null || name.isBlank() ? "" : " '" + name.trim() + "'");
    }

    /**
     * @param mu       the beam's MU for the whole plan (Beam Meterset x fractions)
     * @param position the patient position of the beam's setup
     */
    static List<Beam> segments(DataSet beam, double mu, PatientPosition position) throws DoseInputException {
        return new RtBeamReader(beam, describe(beam)).read(mu, position);
    }

    private List<Beam> read(double mu, PatientPosition position) throws DoseInputException {
        checkModality();
        checkAccessories();
        String unit = code(beam, Tag.PrimaryDosimeterUnit);
        if (unit.isEmpty()) {
            throw new DoseInputException(where + ": " + name(Tag.PrimaryDosimeterUnit)
                    + " is missing: the dose service needs MU");
        }
        if (!unit.equals("MU")) {
            throw new DoseInputException(where + ": Primary Dosimeter Unit " + unit
                    + " is not modelled (the engine is calibrated in MU)");
        }
        sadMm = required(beam, Tag.SourceAxisDistance, where);
        if (!(sadMm > 0)) {
            throw new DoseInputException(where + ": Source-Axis Distance " + plain(sadMm) + " mm is not positive");
        }
        readDevices();
        List<ControlPointState> states = controlPoints();
        double finalWeight = optional(beam, Tag.FinalCumulativeMetersetWeight, where);
        if (Double.isNaN(finalWeight)) {
            finalWeight = states.get(states.size() - 1).cumulativeWeight();
        }
        if (!(finalWeight > 0)) {
            throw new DoseInputException(where + ": Final Cumulative Meterset Weight is " + plain(finalWeight));
        }
        List<Beam> out = new ArrayList<>();
        for (int i = 0; i + 1 < states.size(); i++) {
            ControlPointState a = states.get(i);
            ControlPointState b = states.get(i + 1);
            double w = b.cumulativeWeight() - a.cumulativeWeight();
            if (w < -1e-9 * finalWeight) {
                throw new DoseInputException(where + ": Cumulative Meterset Weight decreases at control point " + (i + 1));
            }
            if (!(w > 0) || mu == 0) {
                continue;
            }
            int n = a.subdivisions(b);
            double segmentMu = mu * w / finalWeight / n;
            for (int k = 0; k < n; k++) {
                Beam s = toBeam(a.at(b, (k + 0.5) / n), segmentMu, position);
                if (s != null) {
                    out.add(s);
                }
            }
        }
        return out;
    }

    private void checkModality() throws DoseInputException {
        String radiation = code(beam, Tag.RadiationType);
        if (radiation.isEmpty()) {
            throw new DoseInputException(where + ": " + name(Tag.RadiationType) + " is empty; only photons are modelled");
        }
        if (!radiation.equals("PHOTON")) {
            throw new DoseInputException(where + ": " + radiation.toLowerCase(java.util.Locale.ROOT)
                    + " beams are not modelled (only 6 MV and Co-60 photons)");
        }
        String type = code(beam, Tag.BeamType);
        if (!type.equals("STATIC") && !type.equals("DYNAMIC")) {
            throw new DoseInputException(where + ": Beam Type '" + type + "' is neither STATIC nor DYNAMIC");
        }
        Sequence fluence = items(beam, Tag.PrimaryFluenceModeSequence, where);
        if (fluence != null && !fluence.isEmpty() && code(fluence.get(0), Tag.FluenceMode).equals("NON_STANDARD")) {
            throw new DoseInputException(where + ": fluence mode " + fluence.get(0).getString(Tag.FluenceModeID, "NON_STANDARD")
                    + " (e.g. flattening filter free) is not modelled");
        }
    }

    /** Wedges, compensators, boli, blocks and applicators change the fluence in ways the engine does not model. */
    private void checkAccessories() throws DoseInputException {
        refuseIf(Tag.NumberOfWedges, Tag.WedgeSequence, "wedge");
        refuseIf(Tag.NumberOfCompensators, Tag.CompensatorSequence, "compensator");
        refuseIf(Tag.NumberOfBoli, Tag.ReferencedBolusSequence, "bolus");
        refuseIf(Tag.NumberOfBlocks, Tag.BlockSequence, "block");
        Sequence applicators = items(beam, Tag.ApplicatorSequence, where);
        if (applicators != null && !applicators.isEmpty()) {
            throw new DoseInputException(where + ": has an applicator; applicators are not modelled");
        }
    }

    private void refuseIf(int countTag, int sequenceTag, String what) throws DoseInputException {
        int count = integer(beam, countTag, 0, where);
        Sequence s = items(beam, sequenceTag, where);
        int n = Math.max(count, s == null ? 0 : s.size());
        if (n > 0) {
            throw new DoseInputException(where + ": has " + n + " " + what + (n > 1 ? "s" : "")
                    + "; " + (what.equals("bolus") ? "boli" : what + "s") + " are not modelled");
        }
    }

    private void readDevices() throws DoseInputException {
        Sequence devices = requiredItems(beam, Tag.BeamLimitingDeviceSequence, where);
        for (DataSet d : devices) {
            String type = code(d, Tag.RTBeamLimitingDeviceType);
            switch (type) {
                case "X", "ASYMX" -> hasX = declareOnce(hasX, "X");
                case "Y", "ASYMY" -> hasY = declareOnce(hasY, "Y");
                case "MLCX" -> {
                    if (boundaries != null) {
                        throw new DoseInputException(where + ": more than one MLCX");
                    }
                    leafPairs = integer(d, Tag.NumberOfLeafJawPairs, -1, where + ", MLCX");
                    if (leafPairs < 1) {
                        throw new DoseInputException(where + ", MLCX: " + name(Tag.NumberOfLeafJawPairs)
                                + " is missing or not positive");
                    }
                    boundaries = required(d, Tag.LeafPositionBoundaries, leafPairs + 1, where + ", MLCX");
                    for (int i = 0; i < leafPairs; i++) {
                        if (!(boundaries[i] < boundaries[i + 1])) {
                            throw new DoseInputException(where + ", MLCX: Leaf Position Boundaries do not increase at "
                                    + (i + 1));
                        }
                    }
                }
                case "MLCY" -> throw new DoseInputException(where + ": MLCY (leaves moving along Y) is not modelled");
                default -> throw new DoseInputException(where + ": unknown beam limiting device '" + type + "'");
            }
        }
        if (!hasX && boundaries == null) {
            throw new DoseInputException(where + ": no X jaws and no MLCX: the field has no X limits");
        }
        if (!hasY && boundaries == null) {
            throw new DoseInputException(where + ": no Y jaws and no MLCX: the field has no Y limits");
        }
    }

    private boolean declareOnce(boolean declared, String axis) throws DoseInputException {
        if (declared) {
            throw new DoseInputException(where + ": two " + axis + " jaw pairs (" + axis + " and ASYM" + axis
                    + ") are not modelled");
        }
        return true;
    }

    private List<ControlPointState> controlPoints() throws DoseInputException {
        Sequence cps = requiredItems(beam, Tag.ControlPointSequence, where);
        if (cps.size() < 2) {
            throw new DoseInputException(where + ": " + cps.size() + " control point; at least 2 are needed");
        }
        List<ControlPointState> states = new ArrayList<>();
        ControlPointState prev = null;
        for (int i = 0; i < cps.size(); i++) {
            prev = controlPoint(cps.get(i), i, prev);
            states.add(prev);
        }
        return states;
    }

    private ControlPointState controlPoint(DataSet cp, int index, ControlPointState prev) throws DoseInputException {
        String at = where + ", control point " + index;
        boolean first = prev == null;
        double energy = optional(cp, Tag.NominalBeamEnergy, at);
        if (first) {
            if (Double.isNaN(energy)) {
                throw new DoseInputException(at + ": " + name(Tag.NominalBeamEnergy) + " is missing");
            }
            kind = kind(cp, energy);
        } else if (!Double.isNaN(energy) && kind != kind(cp, energy)) {
            throw new DoseInputException(at + ": the energy changes within the beam");
        }
        for (int tag : new int[] {Tag.TableTopPitchAngle, Tag.TableTopRollAngle}) {
            double v = optional(cp, tag, at);
            if (!Double.isNaN(v) && angle(v) != 0) {
                throw new DoseInputException(at + ": " + name(tag) + " of " + plain(v)
                        + " degrees is not modelled");
            }
        }
        double gantry = angleAt(cp, Tag.GantryAngle, first ? Double.NaN : prev.gantry(), at);
        double collimator = angleAt(cp, Tag.BeamLimitingDeviceAngle, first ? Double.NaN : prev.collimator(), at);
        double support = optional(cp, Tag.PatientSupportAngle, at);
        double eccentric = optional(cp, Tag.TableTopEccentricAngle, at);
        double couch;
        if (first) {
            if (Double.isNaN(support)) {
                throw new DoseInputException(at + ": " + name(Tag.PatientSupportAngle) + " is missing");
            }
            couch = angle(support + (Double.isNaN(eccentric) ? 0 : eccentric));
            this.eccentric = Double.isNaN(eccentric) ? 0 : eccentric;
            this.support = support;
        } else {
            if (!Double.isNaN(support)) {
                this.support = support;
            }
            if (!Double.isNaN(eccentric)) {
                this.eccentric = eccentric;
            }
            couch = angle(this.support + this.eccentric);
        }
        double[] iso = numbers(cp, Tag.IsocenterPosition, at);
        if (iso.length == 0) {
            if (first) {
                throw new DoseInputException(at + ": " + name(Tag.IsocenterPosition) + " is missing");
            }
            iso = prev.iso();
        } else if (iso.length != 3) {
            throw new DoseInputException(at + ": " + name(Tag.IsocenterPosition) + " has " + iso.length
                    + " values, 3 expected");
        }
        double[] jawX = first ? null : prev.jawX();
        double[] jawY = first ? null : prev.jawY();
        double[] leaves = first ? null : prev.leaves();
        Sequence positions = items(cp, Tag.BeamLimitingDevicePositionSequence, at);
        if (positions != null) {
            for (DataSet p : positions) {
                String type = code(p, Tag.RTBeamLimitingDeviceType);
                switch (type) {
                    case "X", "ASYMX" -> jawX = jaws(p, type, at, hasX);
                    case "Y", "ASYMY" -> jawY = jaws(p, type, at, hasY);
                    case "MLCX" -> {
                        if (boundaries == null) {
                            throw new DoseInputException(at + ": MLCX positions for a beam without an MLCX");
                        }
                        leaves = required(p, Tag.LeafJawPositions, 2 * leafPairs, at + ", MLCX");
                        for (int i = 0; i < leafPairs; i++) {
                            if (leaves[i] > leaves[leafPairs + i] + 1e-6) {
                                throw new DoseInputException(at + ", MLCX: leaf pair " + (i + 1) + " crosses (A at "
                                        + plain(leaves[i]) + " mm, B at " + plain(leaves[leafPairs + i]) + " mm)");
                            }
                        }
                    }
                    default -> throw new DoseInputException(at + ": positions for unknown beam limiting device '"
                            + type + "'");
                }
            }
        }
        if (first) {
            if (hasX && jawX == null || hasY && jawY == null || boundaries != null && leaves == null) {
                throw new DoseInputException(at + ": " + name(Tag.BeamLimitingDevicePositionSequence)
                        + " lacks the positions of some of the beam's jaws or leaves");
            }
        }
        double weight = optional(cp, Tag.CumulativeMetersetWeight, at);
        if (Double.isNaN(weight)) {
            throw new DoseInputException(at + ": " + name(Tag.CumulativeMetersetWeight) + " is missing or empty");
        }
        return new ControlPointState(gantry, code(cp, Tag.GantryRotationDirection).isEmpty() && !first
                ? prev.gantryDirection() : code(cp, Tag.GantryRotationDirection),
                collimator, code(cp, Tag.BeamLimitingDeviceRotationDirection).isEmpty() && !first
                ? prev.collimatorDirection() : code(cp, Tag.BeamLimitingDeviceRotationDirection),
                couch, code(cp, Tag.PatientSupportRotationDirection).isEmpty() && !first
                ? prev.couchDirection() : code(cp, Tag.PatientSupportRotationDirection),
                iso, jawX, jawY, leaves, weight);
    }

    private static double angleAt(DataSet cp, int tag, double previous, String at) throws DoseInputException {
        double v = optional(cp, tag, at);
        if (Double.isNaN(v)) {
            if (Double.isNaN(previous)) {
                throw new DoseInputException(at + ": " + name(tag) + " is missing");
            }
            return previous;
        }
        return angle(v);
    }

    private double[] jaws(DataSet p, String type, String at, boolean declared) throws DoseInputException {
        if (!declared) {
            throw new DoseInputException(at + ": positions for " + type + " jaws the beam does not declare");
        }
        double[] v = required(p, Tag.LeafJawPositions, 2, at + ", " + type);
        if (v[0] > v[1] + 1e-6) {
            throw new DoseInputException(at + ", " + type + ": jaw 1 at " + plain(v[0]) + " mm is beyond jaw 2 at "
                    + plain(v[1]) + " mm");
        }
        return v;
    }

    private Beam.Kind kind(DataSet cp, double energy) throws DoseInputException {
        String unit = code(cp, Tag.NominalBeamEnergyUnit);
        if (!unit.isEmpty() && !unit.equals("MV") && !unit.equals("MEV")) {
            throw new DoseInputException(where + ": Nominal Beam Energy Unit " + unit + " is not modelled");
        }
        if (Math.abs(energy - 6) < ENERGY_TOLERANCE) {
            return Beam.Kind.MV6;
        }
        if (Math.abs(energy - 1.25) < ENERGY_TOLERANCE) {
            return Beam.Kind.CO60;
        }
        throw new DoseInputException(where + ": " + plain(energy)
                + " MV photons are not modelled (only 6 MV and Co-60)");
    }

    /** The engine's static segment for one machine state, or null when its opening is closed. */
    private Beam toBeam(ControlPointState s, double mu, PatientPosition position) throws DoseInputException {
        Mlc mlc = null;
        double x1 = Double.NEGATIVE_INFINITY;
        double x2 = Double.POSITIVE_INFINITY;
        double y1 = Double.NEGATIVE_INFINITY;
        double y2 = Double.POSITIVE_INFINITY;
        if (s.leaves() != null) {
            double[] a = new double[leafPairs];
            double[] b = new double[leafPairs];
            double[] bounds = new double[leafPairs + 1];
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < leafPairs; i++) {
                a[i] = s.leaves()[i] / 10;
                b[i] = Math.max(a[i], s.leaves()[leafPairs + i] / 10);
                lo = Math.min(lo, a[i]);
                hi = Math.max(hi, b[i]);
            }
            for (int i = 0; i <= leafPairs; i++) {
                bounds[i] = boundaries[i] / 10;
            }
            mlc = new Mlc(bounds, a, b);
            x1 = lo;
            x2 = hi;
            y1 = bounds[0];
            y2 = bounds[leafPairs];
        }
        if (s.jawX() != null) {
            x1 = s.jawX()[0] / 10;
            x2 = s.jawX()[1] / 10;
        }
        if (s.jawY() != null) {
            y1 = s.jawY()[0] / 10;
            y2 = s.jawY()[1] / 10;
        }
        if (!(x1 < x2) || !(y1 < y2)) {
            return null;
        }
        Beam beam = new Beam(kind, mu, s.gantry(), s.collimator(), s.iso()[0] / 10, s.iso()[1] / 10, s.iso()[2] / 10,
                x1, x2, y1, y2, sadMm / 10, s.couch(), position, mlc);
        return beam.aperture().isClosed() ? null : beam;
    }
}
