package org.gridpacs.dicom.net.pdu;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Encodes and decodes A-ASSOCIATE-RQ/AC PDUs (PS3.8 9.3.2, 9.3.3, Annex D; PS3.7 D.3.3). */
final class AssociateCodec {
    /** Protocol version, reserved, two AE titles and 32 reserved bytes that precede the items. */
    static final int FIXED_FIELDS_LENGTH = 2 + 2 + 16 + 16 + 32;

    private AssociateCodec() {
    }

    // ---------------------------------------------------------------- encoding

    static void encode(AAssociate<?> a, Sink s) {
        boolean rq = a instanceof AAssociateRQ;
        s.u8(a.type());
        s.u8(0);
        int lengthPos = s.length;
        s.u32(0); // patched below, once the variable field is written
        s.u16(a.protocolVersion());
        s.u16(0);
        s.aeTitle(a.calledAETitle(), rq, "called AE title");
        s.aeTitle(a.callingAETitle(), rq, "calling AE title");
        s.zeros(32);

        s.stringItem(ItemType.APPLICATION_CONTEXT, a.applicationContext());
        for (PresentationContext pc : a.presentationContexts()) {
            if (pc instanceof PresentationContext.RQ p) {
                int start = s.beginItem(ItemType.PRESENTATION_CONTEXT_RQ);
                s.u8(p.id());
                s.zeros(3);
                s.stringItem(ItemType.ABSTRACT_SYNTAX, p.abstractSyntax());
                for (String ts : p.transferSyntaxes()) {
                    s.stringItem(ItemType.TRANSFER_SYNTAX, ts);
                }
                s.endItem(start);
            } else if (pc instanceof PresentationContext.AC p) {
                int start = s.beginItem(ItemType.PRESENTATION_CONTEXT_AC);
                s.u8(p.id());
                s.u8(0);
                s.u8(p.result());
                s.u8(0);
                // PS3.8 9.3.3.2: one transfer syntax sub-item, not significant unless accepted
                s.stringItem(ItemType.TRANSFER_SYNTAX, p.transferSyntax() == null ? "" : p.transferSyntax());
                s.endItem(start);
            }
        }
        encodeUserInformation(a.userInformation(), s);
        PDataTFWriter.putU32(s.buf, lengthPos, s.length - lengthPos - 4);
    }

    /** Sub-items in increasing order of item type, as PS3.8 9.3.1 asks. */
    private static void encodeUserInformation(UserInformation ui, Sink s) {
        int start = s.beginItem(ItemType.USER_INFORMATION);
        int sub = s.beginItem(ItemType.MAXIMUM_LENGTH);
        s.u32(ui.maxLength());
        s.endItem(sub);
        if (ui.implementationClassUid() != null) {
            s.stringItem(ItemType.IMPLEMENTATION_CLASS_UID, ui.implementationClassUid());
        }
        AsyncOperationsWindow w = ui.asyncOperationsWindow();
        if (w != null) {
            sub = s.beginItem(ItemType.ASYNC_OPERATIONS_WINDOW);
            s.u16(w.maxOperationsInvoked());
            s.u16(w.maxOperationsPerformed());
            s.endItem(sub);
        }
        for (RoleSelection rs : ui.roleSelections()) {
            sub = s.beginItem(ItemType.ROLE_SELECTION);
            s.lengthPrefixed(rs.sopClassUid().getBytes(StandardCharsets.ISO_8859_1));
            s.u8(rs.scuRole() ? 1 : 0);
            s.u8(rs.scpRole() ? 1 : 0);
            s.endItem(sub);
        }
        if (ui.implementationVersionName() != null) {
            s.stringItem(ItemType.IMPLEMENTATION_VERSION_NAME, ui.implementationVersionName());
        }
        for (ExtendedNegotiation en : ui.extendedNegotiations()) {
            sub = s.beginItem(ItemType.SOP_CLASS_EXTENDED_NEGOTIATION);
            s.lengthPrefixed(en.sopClassUid().getBytes(StandardCharsets.ISO_8859_1));
            s.bytes(en.infoUnsafe());
            s.endItem(sub);
        }
        for (CommonExtendedNegotiation cen : ui.commonExtendedNegotiations()) {
            sub = s.beginItem(ItemType.SOP_CLASS_COMMON_EXTENDED_NEGOTIATION); // sub-item version 0
            s.bytes(cen.valueUnsafe());
            s.endItem(sub);
        }
        UserIdentityRQ id = ui.userIdentityRQ();
        if (id != null) {
            sub = s.beginItem(ItemType.USER_IDENTITY_RQ);
            s.u8(id.userIdentityType());
            s.u8(id.positiveResponseRequested() ? 1 : 0);
            s.lengthPrefixed(id.primaryUnsafe());
            s.lengthPrefixed(id.secondaryUnsafe());
            s.endItem(sub);
        }
        UserIdentityAC idac = ui.userIdentityAC();
        if (idac != null) {
            sub = s.beginItem(ItemType.USER_IDENTITY_AC);
            s.lengthPrefixed(idac.serverResponseUnsafe());
            s.endItem(sub);
        }
        s.endItem(start);
    }

    /** Growable big-endian byte sink whose 16-bit item lengths are patched once the item is complete. */
    static final class Sink {
        byte[] buf = new byte[1024];
        int length;

        void reset() {
            length = 0;
        }

        private void ensure(int n) {
            if (length + n > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, length + n));
            }
        }

        void u8(int v) {
            ensure(1);
            buf[length++] = (byte) v;
        }

        void u16(int v) {
            ensure(2);
            buf[length++] = (byte) (v >>> 8);
            buf[length++] = (byte) v;
        }

        void u32(long v) {
            ensure(4);
            PDataTFWriter.putU32(buf, length, v);
            length += 4;
        }

        void bytes(byte[] b) {
            ensure(b.length);
            System.arraycopy(b, 0, buf, length, b.length);
            length += b.length;
        }

        void zeros(int n) {
            ensure(n);
            Arrays.fill(buf, length, length + n, (byte) 0);
            length += n;
        }

        void lengthPrefixed(byte[] b) {
            Bytes.checkU16("field length", b.length);
            u16(b.length);
            bytes(b);
        }

        /** AE title field: 16 bytes, space padded. An unset title is an error only in an RQ. */
        void aeTitle(String aet, boolean required, String what) {
            if (aet == null && required) {
                throw new IllegalArgumentException(what + " not set");
            }
            byte[] b = (aet == null ? "" : aet).getBytes(StandardCharsets.ISO_8859_1);
            ensure(16);
            for (int i = 0; i < 16; i++) {
                buf[length + i] = i < b.length ? b[i] : (byte) ' ';
            }
            length += 16;
        }

        /** Writes item type, reserved byte and a placeholder length; returns the start of the item value. */
        int beginItem(int type) {
            u8(type);
            u8(0);
            u16(0);
            return length;
        }

        void endItem(int valueStart) {
            int n = length - valueStart;
            if (n > 0xFFFF) {
                throw new IllegalArgumentException("item of type 0x" + Integer.toHexString(buf[valueStart - 4] & 0xFF)
                        + " is " + n + " bytes long, more than the 65535 its length field can hold");
            }
            buf[valueStart - 2] = (byte) (n >>> 8);
            buf[valueStart - 1] = (byte) n;
        }

        /** UIDs and names are written as they are: PS3.8 items carry no padding. */
        void stringItem(int type, String value) {
            int start = beginItem(type);
            bytes(value.getBytes(StandardCharsets.ISO_8859_1));
            endItem(start);
        }
    }

    // ---------------------------------------------------------------- decoding

    /**
     * Decodes the variable part of an A-ASSOCIATE-RQ or AC ({@code b[0, length)} is everything after
     * the 6-byte PDU header). Validation failures of the Java model become reason 6.
     */
    static AAssociate<?> decode(int type, byte[] b, int length) throws PduException {
        try {
            return type == Pdu.A_ASSOCIATE_RQ ? decodeRQ(b, length) : decodeAC(b, length);
        } catch (IllegalArgumentException e) {
            throw invalid(Pdu.typeName(type) + ": " + e.getMessage());
        }
    }

    private static AAssociateRQ decodeRQ(byte[] b, int length) throws PduException {
        AAssociateRQ rq = new AAssociateRQ();
        In in = fixedFields(rq, b, length);
        // PS3.8 9.3.2: in an RQ the AE titles are significant, so they are validated
        rq.setCalledAETitle(Bytes.aeTitle(b, 4));
        rq.setCallingAETitle(Bytes.aeTitle(b, 20));
        decodeItems(rq, in, true);
        if (rq.presentationContexts().isEmpty()) {
            throw invalid("A-ASSOCIATE-RQ without presentation context item");
        }
        return rq;
    }

    private static AAssociateAC decodeAC(byte[] b, int length) throws PduException {
        AAssociateAC ac = new AAssociateAC();
        In in = fixedFields(ac, b, length);
        // PS3.8 9.3.3: AE titles of an AC "shall not be tested", so they are kept as received
        ac.setAETitlesUnchecked(Bytes.aeTitle(b, 4), Bytes.aeTitle(b, 20));
        decodeItems(ac, in, false);
        return ac;
    }

    private static In fixedFields(AAssociate<?> a, byte[] b, int length) throws PduException {
        In in = new In(b, 0, length);
        a.setProtocolVersion(in.u16());
        in.skip(2 + 16 + 16 + 32);
        return in;
    }

    private static void decodeItems(AAssociate<?> a, In in, boolean rq) throws PduException {
        boolean applicationContext = false;
        boolean userInformation = false;
        while (in.hasRemaining()) {
            int type = in.u8();
            In item = in.item();
            switch (type) {
                case ItemType.APPLICATION_CONTEXT -> {
                    if (applicationContext) {
                        throw unexpected("second application context item");
                    }
                    applicationContext = true;
                    a.setApplicationContext(item.restAsString());
                }
                case ItemType.PRESENTATION_CONTEXT_RQ -> {
                    if (!rq) {
                        throw unexpected("presentation context RQ item in an A-ASSOCIATE-AC");
                    }
                    ((AAssociateRQ) a).addPresentationContext(decodePresentationContextRQ(item));
                }
                case ItemType.PRESENTATION_CONTEXT_AC -> {
                    if (rq) {
                        throw unexpected("presentation context AC item in an A-ASSOCIATE-RQ");
                    }
                    ((AAssociateAC) a).addPresentationContext(decodePresentationContextAC(item));
                }
                case ItemType.USER_INFORMATION -> {
                    if (userInformation) {
                        throw unexpected("second user information item");
                    }
                    userInformation = true;
                    decodeUserInformation(a.userInformation(), item);
                }
                default -> {
                    // PS3.8 9.3.1: items of unrecognized types are ignored; item() already skipped it
                }
            }
        }
        if (!applicationContext) {
            throw invalid("no application context item");
        }
    }

    private static PresentationContext.RQ decodePresentationContextRQ(In in) throws PduException {
        int id = in.u8();
        in.skip(3);
        String abstractSyntax = null;
        List<String> transferSyntaxes = new ArrayList<>();
        while (in.hasRemaining()) {
            int type = in.u8();
            In sub = in.item();
            if (type == ItemType.ABSTRACT_SYNTAX) {
                if (abstractSyntax != null) {
                    throw unexpected("presentation context " + id + " has two abstract syntax sub-items");
                }
                abstractSyntax = sub.restAsString();
            } else if (type == ItemType.TRANSFER_SYNTAX) {
                transferSyntaxes.add(sub.restAsString());
            }
        }
        if (abstractSyntax == null) {
            throw invalid("presentation context " + id + " has no abstract syntax sub-item");
        }
        return new PresentationContext.RQ(id, abstractSyntax, transferSyntaxes);
    }

    private static PresentationContext.AC decodePresentationContextAC(In in) throws PduException {
        int id = in.u8();
        in.skip(1);
        int result = in.u8();
        in.skip(1);
        String transferSyntax = null;
        while (in.hasRemaining()) {
            int type = in.u8();
            In sub = in.item();
            if (type == ItemType.TRANSFER_SYNTAX) {
                if (transferSyntax != null) {
                    throw unexpected("presentation context " + id + " has two transfer syntax sub-items");
                }
                transferSyntax = sub.restAsString();
            }
        }
        // a rejected context's transfer syntax is not significant: some peers send it empty or omit it
        if (result != PresentationContext.AC.ACCEPTANCE && transferSyntax != null && transferSyntax.isEmpty()) {
            transferSyntax = null;
        }
        return new PresentationContext.AC(id, result, transferSyntax);
    }

    private static void decodeUserInformation(UserInformation ui, In in) throws PduException {
        while (in.hasRemaining()) {
            int type = in.u8();
            In sub = in.item();
            switch (type) {
                case ItemType.MAXIMUM_LENGTH -> {
                    ui.setMaxLength(sub.u32());
                    sub.end("maximum length");
                }
                case ItemType.IMPLEMENTATION_CLASS_UID -> ui.setImplementationClassUid(sub.restAsString());
                case ItemType.ASYNC_OPERATIONS_WINDOW -> {
                    ui.setAsyncOperationsWindow(new AsyncOperationsWindow(sub.u16(), sub.u16()));
                    sub.end("asynchronous operations window");
                }
                case ItemType.ROLE_SELECTION -> {
                    String uid = sub.string(sub.u16());
                    ui.addRoleSelection(new RoleSelection(uid, sub.u8() != 0, sub.u8() != 0));
                    sub.end("role selection");
                }
                case ItemType.IMPLEMENTATION_VERSION_NAME -> {
                    String name = sub.restAsString();
                    ui.setImplementationVersionNameUnchecked(name.isEmpty() ? null : name);
                }
                case ItemType.SOP_CLASS_EXTENDED_NEGOTIATION -> {
                    String uid = sub.string(sub.u16());
                    ui.addExtendedNegotiation(new ExtendedNegotiation(uid, sub.bytes(sub.remaining())));
                }
                case ItemType.SOP_CLASS_COMMON_EXTENDED_NEGOTIATION ->
                        ui.addCommonExtendedNegotiation(new CommonExtendedNegotiation(sub.bytes(sub.remaining())));
                case ItemType.USER_IDENTITY_RQ -> {
                    int identityType = sub.u8();
                    boolean positiveResponse = sub.u8() != 0;
                    byte[] primary = sub.bytes(sub.u16());
                    // tolerate a missing secondary-field-length when there is no secondary field
                    byte[] secondary = sub.hasRemaining() ? sub.bytes(sub.u16()) : new byte[0];
                    sub.end("user identity");
                    ui.setUserIdentityRQ(new UserIdentityRQ(identityType, positiveResponse, primary, secondary));
                }
                case ItemType.USER_IDENTITY_AC -> {
                    byte[] response = sub.bytes(sub.u16());
                    sub.end("user identity response");
                    ui.setUserIdentityAC(new UserIdentityAC(response));
                }
                default -> {
                    // PS3.7 D.3.3: unrecognized user information sub-items are ignored
                }
            }
        }
    }

    /**
     * Bounds-checked big-endian reader over {@code b[pos, end)}. Every read checks the remaining
     * length first, so a length field claiming more than its parent holds fails with reason 6
     * instead of reading a neighbour's bytes or running off the array.
     */
    static final class In {
        private final byte[] b;
        private int pos;
        private final int end;

        In(byte[] b, int pos, int end) {
            this.b = b;
            this.pos = pos;
            this.end = end;
        }

        boolean hasRemaining() {
            return pos < end;
        }

        int remaining() {
            return end - pos;
        }

        private void need(int n, String what) throws PduException {
            if (n > end - pos) {
                throw invalid(what + " needs " + n + " bytes but only " + (end - pos) + " remain in its parent");
            }
        }

        int u8() throws PduException {
            need(1, "field");
            return b[pos++] & 0xFF;
        }

        int u16() throws PduException {
            need(2, "field");
            int v = ((b[pos] & 0xFF) << 8) | (b[pos + 1] & 0xFF);
            pos += 2;
            return v;
        }

        long u32() throws PduException {
            need(4, "field");
            long v = PDataTF.readU32(b, pos);
            pos += 4;
            return v;
        }

        void skip(int n) throws PduException {
            need(n, "fixed field");
            pos += n;
        }

        byte[] bytes(int n) throws PduException {
            need(n, "value");
            byte[] v = Arrays.copyOfRange(b, pos, pos + n);
            pos += n;
            return v;
        }

        String string(int n) throws PduException {
            need(n, "value");
            String s = Bytes.trimmedString(b, pos, n);
            pos += n;
            return s;
        }

        String restAsString() throws PduException {
            return string(remaining());
        }

        /**
         * Reads the reserved byte and 16-bit length that follow an item type and returns a reader over
         * the item value, advancing this reader past it.
         */
        In item() throws PduException {
            skip(1);
            int length = u16();
            need(length, "item");
            In item = new In(b, pos, pos + length);
            pos += length;
            return item;
        }

        /** Fixed-layout sub-items must be consumed exactly. */
        void end(String what) throws PduException {
            if (pos != end) {
                throw invalid(what + " sub-item has " + (end - pos) + " unexpected trailing bytes");
            }
        }
    }

    static PduException invalid(String message) {
        return new PduException(AAbort.REASON_INVALID_PDU_PARAMETER_VALUE, message);
    }

    private static PduException unexpected(String message) {
        return new PduException(AAbort.REASON_UNEXPECTED_PDU_PARAMETER, message);
    }
}
