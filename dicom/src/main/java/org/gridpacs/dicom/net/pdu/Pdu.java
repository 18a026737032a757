package org.gridpacs.dicom.net.pdu;

/** A DICOM Upper Layer protocol data unit (PS3.8 section 9.3), with the PDU type codes. */
public sealed interface Pdu permits AAssociate, AAssociateRJ, PDataTF, AReleaseRQ, AReleaseRP, AAbort {
    int A_ASSOCIATE_RQ = 0x01;
    int A_ASSOCIATE_AC = 0x02;
    int A_ASSOCIATE_RJ = 0x03;
    int P_DATA_TF = 0x04;
    int A_RELEASE_RQ = 0x05;
    int A_RELEASE_RP = 0x06;
    int A_ABORT = 0x07;

    /** Length of the common PDU header: type, reserved byte, 32-bit big-endian PDU length. */
    int HEADER_LENGTH = 6;

    /** The PDU type code (first byte on the wire). */
    int type();

    /** Name used in PS3.8, e.g. "A-ASSOCIATE-RQ"; "unknown" for codes outside 1..7. */
    static String typeName(int type) {
        return switch (type) {
            case A_ASSOCIATE_RQ -> "A-ASSOCIATE-RQ";
            case A_ASSOCIATE_AC -> "A-ASSOCIATE-AC";
            case A_ASSOCIATE_RJ -> "A-ASSOCIATE-RJ";
            case P_DATA_TF -> "P-DATA-TF";
            case A_RELEASE_RQ -> "A-RELEASE-RQ";
            case A_RELEASE_RP -> "A-RELEASE-RP";
            case A_ABORT -> "A-ABORT";
            default -> "unknown";
        };
    }
}
