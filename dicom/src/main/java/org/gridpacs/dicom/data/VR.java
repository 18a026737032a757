package org.gridpacs.dicom.data;

/**
 * Value Representations of PS3.5 section 6.2, with what the encoders need to know about each one:
 * whether explicit VR uses the 4-byte length form, the padding byte, and the width of a binary value
 * (for byte swapping between little and big endian).
 */
public enum VR {
    AE(Kind.STRING, false, ' ', 0, true),
    AS(Kind.STRING, false, ' ', 0, false),
    AT(Kind.BINARY, false, 0, 4, false),
    CS(Kind.STRING, false, ' ', 0, true),
    DA(Kind.STRING, false, ' ', 0, false),
    DS(Kind.STRING, false, ' ', 0, true),
    DT(Kind.STRING, false, ' ', 0, false),
    FL(Kind.BINARY, false, 0, 4, false),
    FD(Kind.BINARY, false, 0, 8, false),
    IS(Kind.STRING, false, ' ', 0, true),
    LO(Kind.TEXT, false, ' ', 0, true),
    LT(Kind.TEXT, false, ' ', 0, false),
    OB(Kind.BINARY, true, 0, 1, false),
    OD(Kind.BINARY, true, 0, 8, false),
    OF(Kind.BINARY, true, 0, 4, false),
    OL(Kind.BINARY, true, 0, 4, false),
    OV(Kind.BINARY, true, 0, 8, false),
    OW(Kind.BINARY, true, 0, 2, false),
    PN(Kind.TEXT, false, ' ', 0, false),
    SH(Kind.TEXT, false, ' ', 0, true),
    SL(Kind.BINARY, false, 0, 4, false),
    SQ(Kind.SEQUENCE, true, 0, 0, false),
    SS(Kind.BINARY, false, 0, 2, false),
    ST(Kind.TEXT, false, ' ', 0, false),
    SV(Kind.BINARY, true, 0, 8, false),
    TM(Kind.STRING, false, ' ', 0, false),
    UC(Kind.TEXT, true, ' ', 0, true),
    UI(Kind.STRING, false, 0, 0, true),
    UL(Kind.BINARY, false, 0, 4, false),
    UN(Kind.BINARY, true, 0, 1, false),
    UR(Kind.STRING, true, ' ', 0, false),
    US(Kind.BINARY, false, 0, 2, false),
    UT(Kind.TEXT, true, ' ', 0, false),
    UV(Kind.BINARY, true, 0, 8, false);

    /** How a value of this VR is interpreted. */
    public enum Kind {
        /** Characters from the default repertoire only (never affected by Specific Character Set). */
        STRING,
        /** Characters that follow the data set's Specific Character Set. */
        TEXT,
        /** Numbers or opaque bytes. */
        BINARY,
        /** Items, each a data set. */
        SEQUENCE
    }

    private final Kind kind;
    private final boolean longLength;
    private final int paddingByte;
    private final int valueWidth;
    private final boolean multiValued;
    private final int code;

    VR(Kind kind, boolean longLength, int paddingByte, int valueWidth, boolean multiValued) {
        this.kind = kind;
        this.longLength = longLength;
        this.paddingByte = paddingByte;
        this.valueWidth = valueWidth;
        this.multiValued = multiValued;
        this.code = (name().charAt(0) << 8) | name().charAt(1);
    }

    public Kind kind() {
        return kind;
    }

    /** True when explicit VR encodes this VR with 2 reserved bytes and a 32-bit length (PS3.5 7.1.2). */
    public boolean longLength() {
        return longLength;
    }

    /** Byte used to pad a value to even length: space for character strings, NUL for UI and binary. */
    public int paddingByte() {
        return paddingByte;
    }

    /** Size in bytes of one binary value: what byte swapping works on; 0 for strings and sequences, 1 for OB/UN. */
    public int valueWidth() {
        return valueWidth;
    }

    public boolean isString() {
        return kind == Kind.STRING || kind == Kind.TEXT;
    }

    /** True when backslash separates values (text VRs such as LT, ST, UT are single-valued). */
    public boolean isMultiValuedString() {
        return multiValued || this == AS || this == DA || this == DT || this == TM || this == PN;
    }

    /** The two ASCII characters as they appear in explicit VR encoding, as a 16-bit big-endian code. */
    public int code() {
        return code;
    }

    private static final VR[] BY_CODE = new VR[65536];

    static {
        for (VR vr : values()) {
            BY_CODE[vr.code] = vr;
        }
    }

    /** The VR for the two bytes read from an explicit VR stream, or null when they name no VR. */
    public static VR ofCode(int code) {
        return BY_CODE[code & 0xFFFF];
    }
}
