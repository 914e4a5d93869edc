DELETE FROM redistribution_agreements WHERE share_year = getvariable('share_year');
INSERT INTO redistribution_agreements
SELECT share_year, giver_code, receiver_code, amount_units, approved_on, reference, source
FROM incoming;
