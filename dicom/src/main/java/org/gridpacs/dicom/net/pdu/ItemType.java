package org.gridpacs.dicom.net.pdu;

/** Item and sub-item type codes of the A-ASSOCIATE-RQ/AC variable field (PS3.8 9.3.2, 9.3.3, Annex D). */
public final class ItemType {
    public static final int APPLICATION_CONTEXT = 0x10;
    public static final int PRESENTATION_CONTEXT_RQ = 0x20;
    public static final int PRESENTATION_CONTEXT_AC = 0x21;
    public static final int ABSTRACT_SYNTAX = 0x30;
    public static final int TRANSFER_SYNTAX = 0x40;
    public static final int USER_INFORMATION = 0x50;
    public static final int MAXIMUM_LENGTH = 0x51;
    public static final int IMPLEMENTATION_CLASS_UID = 0x52;
    public static final int ASYNC_OPERATIONS_WINDOW = 0x53;
    public static final int ROLE_SELECTION = 0x54;
    public static final int IMPLEMENTATION_VERSION_NAME = 0x55;
    public static final int SOP_CLASS_EXTENDED_NEGOTIATION = 0x56;
    public static final int SOP_CLASS_COMMON_EXTENDED_NEGOTIATION = 0x57;
    public static final int USER_IDENTITY_RQ = 0x58;
    public static final int USER_IDENTITY_AC = 0x59;

    private ItemType() {
    }
}
