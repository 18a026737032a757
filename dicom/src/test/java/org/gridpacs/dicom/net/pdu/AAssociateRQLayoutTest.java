package org.gridpacs.dicom.net.pdu;

import static org.gridpacs.dicom.net.pdu.PduTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A-ASSOCIATE-RQ bytes written out by hand from PS3.8 Table 9-11 (PDU), 9-12 (application context),
 * 9-13/9-14/9-15 (presentation context, abstract and transfer syntax), 9-16 and D.1-1, D.3-1, D.3-3
 * (user information), with every length counted by hand: the decoder and encoder are checked against
 * the standard, not against each other.
 */
class AAssociateRQLayoutTest {

    private static final byte[] FIXED_FIELDS = concat(
            hex("0001 0000"),                         // protocol version 1, reserved
            ascii("STORESCP        "),               // called AE title, 16 bytes space padded
            ascii(" MODALITY1      "),               // calling AE title, leading space not significant
            new byte[32]);                           // reserved

    private static final byte[] APPLICATION_CONTEXT = concat(
            hex("10 00 0015"), ascii("1.2.840.10008.3.1.1.1"));       // 21 bytes

    /** Transfer syntax UID padded with a trailing NUL, as some implementations send it. */
    private static final byte[] PRESENTATION_CONTEXT = concat(
            hex("20 00 002F"),                                        // 4 + 21 + 22 = 47
            hex("01 00 00 00"),                                       // ID 1, 3 reserved bytes
            hex("30 00 0011"), ascii("1.2.840.10008.1.1"),            // abstract syntax, 17 bytes
            hex("40 00 0012"), ascii("1.2.840.10008.1.2"), hex("00")); // transfer syntax, 18 bytes

    private static final byte[] USER_INFORMATION = concat(
            hex("50 00 0024"),                                        // 8 + 13 + 15 = 36
            hex("51 00 0004 00004000"),                               // maximum length 16384
            hex("52 00 0009"), ascii("1.2.3.4.5"),                    // implementation class UID
            hex("55 00 000B"), ascii("GRIDPACS_01"));                 // implementation version name

    // 68 + 25 + 51 + 40 = 184
    static final byte[] RQ = concat(hex("01 00 000000B8"), FIXED_FIELDS, APPLICATION_CONTEXT,
            PRESENTATION_CONTEXT, USER_INFORMATION);

    @Test
    void decodesHandBuiltRQ() throws IOException {
        AAssociateRQ rq = (AAssociateRQ) decode(RQ);
        assertEquals(1, rq.protocolVersion());
        assertEquals("STORESCP", rq.calledAETitle());
        assertEquals("MODALITY1", rq.callingAETitle());
        assertEquals("1.2.840.10008.3.1.1.1", rq.applicationContext());
        assertEquals(List.of(new PresentationContext.RQ(1, VERIFICATION, IMPLICIT_LE)), rq.presentationContexts());
        assertEquals(16384, rq.userInformation().maxLength());
        assertEquals("1.2.3.4.5", rq.userInformation().implementationClassUid());
        assertEquals("GRIDPACS_01", rq.userInformation().implementationVersionName());
        assertNull(rq.userInformation().asyncOperationsWindow());
        assertTrue(rq.userInformation().roleSelections().isEmpty());
    }

    @Test
    void encodesTheSameLayoutWithoutPadding() {
        AAssociateRQ rq = new AAssociateRQ("MODALITY1", "STORESCP");
        rq.addPresentationContext(new PresentationContext.RQ(1, VERIFICATION, IMPLICIT_LE));
        rq.userInformation().setMaxLength(16384).setImplementationClassUid("1.2.3.4.5")
                .setImplementationVersionName("GRIDPACS_01");
        byte[] expected = concat(hex("01 00 000000B7"), // one byte less: no NUL after the transfer syntax
                hex("0001 0000"), ascii("STORESCP        "), ascii("MODALITY1       "), new byte[32],
                APPLICATION_CONTEXT,
                hex("20 00 002E 01 00 00 00"),
                hex("30 00 0011"), ascii("1.2.840.10008.1.1"),
                hex("40 00 0011"), ascii("1.2.840.10008.1.2"),
                USER_INFORMATION);
        assertArrayEquals(expected, PduWriter.encode(rq));
    }

    @Test
    void skipsUnknownUserInformationSubItemAndUnknownItem() throws IOException {
        byte[] rq = concat(hex("01 00 000000C5"),            // 184 + 7 + 6 = 197
                FIXED_FIELDS, APPLICATION_CONTEXT,
                hex("60 00 0002 ABCD"),                         // unknown item type
                PRESENTATION_CONTEXT,
                hex("50 00 002B"),                              // 36 + 7 = 43
                hex("51 00 0004 00004000"),
                hex("7E 00 0003"), ascii("xyz"),                // unknown sub-item
                hex("52 00 0009"), ascii("1.2.3.4.5"),
                hex("55 00 000B"), ascii("GRIDPACS_01"));
        assertEquals(decode(RQ), decode(rq));
    }

    @Test
    void decodesExtendedNegotiationSubItemsLaidOutByHand() throws IOException {
        byte[] userInfo = concat(
                hex("51 00 0004 00000000"),
                hex("53 00 0004 0003 0002"),                                          // async window 3/2
                hex("54 00 0015 0011"), ascii("1.2.840.10008.1.1"), hex("00 01"),     // 2+17+2 = 21
                hex("56 00 0015 0011"), ascii("1.2.840.10008.1.1"), hex("01 02"),     // info 01 02
                hex("57 00 0005 0003 414243"),                                        // kept raw
                hex("58 00 000E 02 01 0003"), ascii("bob"), hex("0005"), ascii("hello")); // 2+2+3+2+5 = 14
        // user info value: 8 + 8 + 25 + 25 + 9 + 18 = 93 = 0x5D
        byte[] rq = concat(hex("01 00 000000F1"),            // 68 + 25 + 51 + 4 + 93 = 241
                FIXED_FIELDS, APPLICATION_CONTEXT, PRESENTATION_CONTEXT, hex("50 00 005D"), userInfo);
        UserInformation ui = ((AAssociateRQ) decode(rq)).userInformation();
        assertEquals(new AsyncOperationsWindow(3, 2), ui.asyncOperationsWindow());
        assertEquals(List.of(new RoleSelection(VERIFICATION, false, true)), ui.roleSelections());
        assertEquals(List.of(new ExtendedNegotiation(VERIFICATION, new byte[] {1, 2})), ui.extendedNegotiations());
        assertEquals(List.of(new CommonExtendedNegotiation(hex("0003414243"))), ui.commonExtendedNegotiations());
        assertEquals(UserIdentityRQ.usernameAndPasscode("bob", "hello", true), ui.userIdentityRQ());
        assertNull(ui.implementationClassUid());
    }
}
