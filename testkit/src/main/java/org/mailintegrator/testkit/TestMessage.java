package org.mailintegrator.testkit;

import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.util.Objects;
import java.util.Properties;

/** A text message to put in a fixture mailbox. */
final class TestMessage {
    private final String emailAddress;
    private final String subject;
    private final String body;

    TestMessage(String emailAddress, String subject, String body) {
        this.emailAddress = Objects.requireNonNull(emailAddress, "emailAddress");
        this.subject = Objects.requireNonNull(subject, "subject");
        this.body = Objects.requireNonNull(body, "body");
    }

    void deliverTo(GreenMail greenMail) {
        GreenMailUser user = greenMail.getUserManager().getUser(emailAddress);
        if (user == null) {
            throw new IllegalArgumentException("no user " + emailAddress + " on this fixture");
        }
        try {
            MimeMessage message = new MimeMessage(Session.getInstance(new Properties()));
            message.setFrom(new InternetAddress("testkit@example.test"));
            message.setRecipient(MimeMessage.RecipientType.TO, new InternetAddress(emailAddress));
            message.setSubject(subject);
            message.setText(body);
            message.saveChanges();
            user.deliver(message);
        } catch (MessagingException e) {
            throw new IllegalStateException("cannot deliver a test message to " + emailAddress, e);
        }
    }
}
