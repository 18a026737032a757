package org.gridpacs.dicom.net.dimse;

/** DIMSE status codes (PS3.7 Annex C, PS3.4 service classes) and their meaning for people. */
public final class Status {
    public static final int SUCCESS = 0x0000;
    public static final int PENDING = 0xFF00;
    public static final int PENDING_WARNING = 0xFF01;
    public static final int CANCEL = 0xFE00;

    public static final int WARNING_COERCION_OF_DATA_ELEMENTS = 0xB000;
    public static final int WARNING_ELEMENTS_DISCARDED = 0xB006;
    public static final int WARNING_DATA_SET_DOES_NOT_MATCH_SOP_CLASS = 0xB007;
    /** C-MOVE / C-GET: one or more sub-operations failed (PS3.4 C.4.2.1.5). */
    public static final int WARNING_SUB_OPERATIONS_COMPLETE_ONE_OR_MORE_FAILURES = 0xB000;

    public static final int PROCESSING_FAILURE = 0x0110;
    public static final int NO_SUCH_SOP_CLASS = 0x0118;
    public static final int CLASS_INSTANCE_CONFLICT = 0x0119;
    public static final int DUPLICATE_SOP_INSTANCE = 0x0111;
    public static final int INVALID_ARGUMENT_VALUE = 0x0115;
    public static final int INVALID_OBJECT_INSTANCE = 0x0117;
    public static final int NO_SUCH_ACTION_TYPE = 0x0123;
    public static final int NOT_AUTHORIZED = 0x0124;
    public static final int DUPLICATE_INVOCATION = 0x0210;
    public static final int UNRECOGNIZED_OPERATION = 0x0211;
    public static final int MISTYPED_ARGUMENT = 0x0212;
    public static final int SOP_CLASS_NOT_SUPPORTED = 0x0122;

    public static final int OUT_OF_RESOURCES = 0xA700;
    /** C-MOVE: out of resources, unable to calculate the number of matches. */
    public static final int OUT_OF_RESOURCES_NUMBER_OF_MATCHES = 0xA701;
    /** C-MOVE / C-GET: out of resources, unable to perform sub-operations. */
    public static final int OUT_OF_RESOURCES_SUB_OPERATIONS = 0xA702;
    /** C-MOVE: Move Destination unknown. */
    public static final int MOVE_DESTINATION_UNKNOWN = 0xA801;
    public static final int DATA_SET_DOES_NOT_MATCH_SOP_CLASS = 0xA900;
    /** C-FIND / C-MOVE / C-GET: identifier does not match SOP class. */
    public static final int IDENTIFIER_DOES_NOT_MATCH_SOP_CLASS = 0xA900;
    public static final int CANNOT_UNDERSTAND = 0xC000;
    /** C-FIND / C-MOVE / C-GET: unable to process. */
    public static final int UNABLE_TO_PROCESS = 0xC001;

    private Status() {
    }

    public static boolean isPending(int status) {
        return status == PENDING || status == PENDING_WARNING;
    }

    public static boolean isWarning(int status) {
        return status == 0x0001 || (status & 0xF000) == 0xB000 || status == 0x0107 || status == 0x0116;
    }

    public static boolean isSuccess(int status) {
        return status == SUCCESS;
    }

    public static boolean isFailure(int status) {
        return !isSuccess(status) && !isPending(status) && !isWarning(status) && status != CANCEL;
    }

    /** Words for an administrator, e.g. "0xA700 Out of Resources". */
    public static String describe(int status) {
        String meaning = switch (status) {
            case SUCCESS -> "Success";
            case PENDING -> "Pending";
            case PENDING_WARNING -> "Pending (optional keys not supported)";
            case CANCEL -> "Cancelled";
            case WARNING_COERCION_OF_DATA_ELEMENTS -> "Warning: coercion of data elements / sub-operations with failures";
            case WARNING_ELEMENTS_DISCARDED -> "Warning: elements discarded";
            case WARNING_DATA_SET_DOES_NOT_MATCH_SOP_CLASS -> "Warning: data set does not match SOP class";
            case PROCESSING_FAILURE -> "Processing failure";
            case NO_SUCH_SOP_CLASS -> "No such SOP class";
            case CLASS_INSTANCE_CONFLICT -> "Class-instance conflict";
            case DUPLICATE_SOP_INSTANCE -> "Duplicate SOP instance";
            case INVALID_ARGUMENT_VALUE -> "Invalid argument value";
            case INVALID_OBJECT_INSTANCE -> "Invalid object instance";
            case NO_SUCH_ACTION_TYPE -> "No such action type";
            case NOT_AUTHORIZED -> "Not authorized";
            case DUPLICATE_INVOCATION -> "Duplicate invocation";
            case UNRECOGNIZED_OPERATION -> "Unrecognized operation";
            case MISTYPED_ARGUMENT -> "Mistyped argument";
            case SOP_CLASS_NOT_SUPPORTED -> "SOP class not supported";
            case OUT_OF_RESOURCES -> "Out of resources";
            case OUT_OF_RESOURCES_NUMBER_OF_MATCHES -> "Out of resources: unable to calculate number of matches";
            case OUT_OF_RESOURCES_SUB_OPERATIONS -> "Out of resources: unable to perform sub-operations";
            case MOVE_DESTINATION_UNKNOWN -> "Move destination unknown";
            case DATA_SET_DOES_NOT_MATCH_SOP_CLASS -> "Data set / identifier does not match SOP class";
            case CANNOT_UNDERSTAND -> "Cannot understand";
            case UNABLE_TO_PROCESS -> "Unable to process";
            default -> isWarning(status) ? "Warning" : (status & 0xF000) == 0xA000 ? "Refused"
                    : (status & 0xF000) == 0xC000 ? "Failure: cannot understand" : "Failure";
        };
        return String.format("0x%04X %s", status, meaning);
    }
}
