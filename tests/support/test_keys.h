/* Private keys the unit tests issue certificates for (test_cert, the CSP
 * core's fixture), made once by tests/support/gen_test_keys.sh (openssl
 * genpkey) instead of at run time (minutes under valgrind). Test material
 * only: never trusted anywhere. Do not edit by hand; regenerate with the
 * script. tk_key() parses one (NULL on failure; the caller frees it). */
#ifndef CRPKI_TESTS_SUPPORT_TEST_KEYS_H
#define CRPKI_TESTS_SUPPORT_TEST_KEYS_H

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

static inline EVP_PKEY *tk_key(const char *pem)
{
    BIO *b = BIO_new_mem_buf(pem, -1);
    EVP_PKEY *k = b ? PEM_read_bio_PrivateKey(b, NULL, NULL, NULL) : NULL;
    BIO_free(b);
    return k;
}

static const char tk_rsa1[] = "-----BEGIN PRIVATE KEY-----\n"
                              "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQD1TDg9BjlIsciD\n"
                              "DOEYVOxU3hcxM5npsjcrKuE/SjRJMARPBVF4p1ufWvXYDgh2PB3viiAXV68p+1mM\n"
                              "IqPywDor10FSg7lMLoxa8m0d2UJE6973b/ZOACyOYQWaMpFQWGHMV9HHfdiGGcGP\n"
                              "XpngMrKRcbX/Jo3TjHcPWJJw89Vs3RUBBUiopu5rXphtPvR5V+3W/3O6H/VEp6Mk\n"
                              "MZPqa8lxDII2NU/46nCswDVs/7fTa5uFd963uai/s4cVCUCUAIYWNQbNIRoV2zuB\n"
                              "AXgpgRb0GWK3PCitvW2NboSJ8XXN65PWzhGExq0TEhf1zfURo+CINoKqPkRk1RiD\n"
                              "8uzbJFZlAgMBAAECggEAA6R371Fg12IAcrsQZUlENcxodsFn5y76H74kGHRUdhkW\n"
                              "70ofwsAQHbvUNmWa8uUt9/PKnzNySpgiD8Z8kxW5/L2rtCXNl20s22A0hkLGzPmI\n"
                              "VuScOTNKdhYdvFjvjHcLg2Udxy2+DIZkYpR1NNLmkOn/LwSWYDj6lElB6hh3fQV8\n"
                              "oT+2x3zwqyb5qiIMaOptN6AIP1BSq+3eanxRnoxRbpzd0ox12Od2lRxWJlRchZK7\n"
                              "avi4umxr4lf61g7evb1cHVtjvi/6LKps+LCKP14Zkr5TwdgMueMoP8JwoEVsNnXk\n"
                              "qzTQMTapQvUVlp6jfjamz4rmpHCo70eTc1tbEvCE3wKBgQD/vkEb4X4YBK2XjPE+\n"
                              "yspFgNlM7xq4Ey8CWyB81z7kIR9w9RMf9YcQXoXndWRQ4xrIzS2TO9MJgJtV/U4r\n"
                              "/3F2vCoBb8p+WKTTUQJgGIQM/5oadPRHAr1zGbOhC/TrJiy3CY2hQ+eWarAgW8Tf\n"
                              "eQNsLns1yYwNhkri3SWz/aIQLwKBgQD1i0eyZwqh2k/OvCokQ3zUpfcvbUPwRRov\n"
                              "1wjoX4XQl7TVbk4lTqw/OnnO/2h+2basTbb5Jvsw9IJgWHoGsm7q3G5uTgXiujRx\n"
                              "GeWBk8TNwX1w0AhVmxJbR5L6R2OTwvG6+PfRLvpoyeAiu8dgscxsO3fSKKag/E56\n"
                              "gMC+unQpqwKBgHw0lYCJ+miF1R02eXAKo0QwONkxgyOFRZ56TYP0Mfov0ApXLEuo\n"
                              "PkmH7raj/+187uQ5KfpI4szJpieUF2Qs8pk895WtCoZkXOC4hlPPdEqv1NMmnADk\n"
                              "5sfA4snDeda+upbGz/9TcGVQOWvtxebW6f+fb32G/jsPTs1xpD8PXqdHAoGAOML/\n"
                              "ygAD9zJubI4W99caDlZnc/FAWVTAHvsIth8O4g+P4B7ltb4gF2W/LtjgISLXFbHJ\n"
                              "cINQYhrD4N3TJ6Ur+uMGLD2hIq6E3Phtk6zDPAVUqDWPF6sHbU54bZ7/J/NSyjQv\n"
                              "pY3EmWDBjYX3KyUu6n48zrpS+rgYtDz7UZvsqo0CgYEA/Kp4RHe034CgePF3bGln\n"
                              "vCrXoZBnpc+vcsPQ3zYbvVzzoLcefkJzNVfvyQ0AqeN3JsSfpG+scu2HGDksIFor\n"
                              "m+dKpKsSakHZwSG+h8v4LivXSL+VXC7jn+Z9nPOWgW8P1F0BRkPuvlT6dB13XtsT\n"
                              "H+Eu2Pw+MNHSmphHuMm7heM=\n"
                              "-----END PRIVATE KEY-----\n";
static const char tk_rsa2[] = "-----BEGIN PRIVATE KEY-----\n"
                              "MIIEvwIBADANBgkqhkiG9w0BAQEFAASCBKkwggSlAgEAAoIBAQDQygpidQdJU1GT\n"
                              "Zmib8RAFBmG7CHd1f24A/x0WK26MdB5ZWHWj+wYN7KzWGLowFjW9bXo02Emuxglx\n"
                              "nOq0+JAD2nk4vpZ/hP5AjtL2cHvI624sq8UKFs3Dn4kb2F2HGWKNY6YbHnDgT66Y\n"
                              "DDVu7NiNief1z2MmhZztO8TyDz0zPfxvbOpjOE7PWgG+/B94owyuW+kkhXuYxs51\n"
                              "GlG7JesxvX0OS6771U5RBY5d7sgyqjPwUbM/mhYHtWpEuqbJSm1PBkIdnjZ7lMx4\n"
                              "Z9S/N6DNBMnhOa2Q149dwScOCDmVYNcY6qRzSZ4pVEIYdz69oQ9E9JAkAzOBG2AC\n"
                              "wuPLX+dvAgMBAAECggEAD9qvtC8/yOUfRiqaGfFRrpf/9tRbQdxVzZSRsFvG7rpo\n"
                              "jY9Gi5elq4wDydQh20HsfcBg7b9YxQE7uVlZhzlysiA2YUUzp2ZBakSOJ3F+LNEX\n"
                              "0iOO+EeoA0lLf4ZL/9TBI4xkEh4bIyVZ1CjlK9GnVgQZTZScalHuCyOlPl5C3u+c\n"
                              "bMjxG6vCTSA0DEQG4/+sX1UV6fFSjM1BqaYjPQzc7b0h2g906/B3E/6/HHlz3/Of\n"
                              "t0s2Ehxh6ALops8wd/akHErZocKapEElOI3i93cXX3r9wmNeAnaJONtH0uXwPD75\n"
                              "Y4aVhH/95bIdiCbQvm9D3jV+7c+q7XkIHodtgP1wIQKBgQDqR0JH3iuw+80YVqkP\n"
                              "WBQ+/Vu+sN7b1gwYKk1wWIUqIPOg9+NtoNsrAaevlJP950JkY84z0vtinhQRG/CH\n"
                              "KSJfVgmb/Z6lV4JPScfZLMcLitMXJuYiCSfORbjzLg3s75Zf9UNPf3RT8SVKT061\n"
                              "PuKzHA8lDsp7SC6HpSho/rW+4QKBgQDkJcgGxiFFlXxWq+Ou+mJ+NqycmX/3SE7Q\n"
                              "lXPdv7t6sCBUJImxgPkBXEmfWPN6Jzdeo29JwQM3mQSFByehYS+jcKsQ8CvJRWre\n"
                              "AtEVMpnL1aiyRWSGrXFEylRAAYeuJWGlVYCK4oXEJw1+StNAgxcHsZV/E/TN30Om\n"
                              "AEKJzIoATwKBgQCIk65CM3UJImI4dBzuwwxahF091+K0Ch7W36Jxgklve/JLvveo\n"
                              "64OZmMdnBpkYBf+ggsatU6wVm85bAwy/3u0Y4xGLDNm1zkQ7cOm+4+nOAsp4zsaO\n"
                              "xQOdruvZaNnZbPsfSd5JtCXe4dA5d+6MnvKONCdoFS1ZnYTyswfR3duaQQKBgQDF\n"
                              "EwnFKDKna+ha6eIkTO71fX7/Su0qCxDhxqeunidxZGCYrnMunGz7yt9hwTGYi/Wd\n"
                              "T2obeJmx1gD8dGC8WzoOYY2zdPMtykP1ANPhDrOhSq+NRrn+SCY2uNur6mZsfKfr\n"
                              "bH87+U55UQ6r0DDJYjNrlu+/NNrbVweVhlXzuHZgqwKBgQC0prv1mppE6a+JAVNk\n"
                              "p8ysjjp3viT3cdMe+HEJm1yB7kDL3sTFGSDwj1EttQPSfzjC72RThshXBeNuClkd\n"
                              "sxQDNhxpAl3I2Sfl/1YpBVuDVDDIxNcV+blwTk69RJ4LAKm5nSm4oUjhTioJPwxF\n"
                              "kiU1z7efiB/77yo/1xRuO1GZFw==\n"
                              "-----END PRIVATE KEY-----\n";
static const char tk_rsa3[] = "-----BEGIN PRIVATE KEY-----\n"
                              "MIIEuwIBADANBgkqhkiG9w0BAQEFAASCBKUwggShAgEAAoIBAQCy4yTRHEFgg8NC\n"
                              "TucUgdXxYZvqv4+CyRqmOGUd5KfzGXFu0yJFT7XR75IMj+RSTVbzM3SFYEvQ2Gwh\n"
                              "i2RqBKzBkrSkOZwYz7woPHUCBFwiZspgf8lxS7VWblRlzw4tz5SowBYMF+3Adr1D\n"
                              "73GcQ+gckhZlFf8kKcYHx2wcCnVcnZLsWjaOfBmVh0P2HLeOhg63VO85cFjtICVs\n"
                              "FzwW4qAYm7CZT+cYNOUfMrYqj9IkGp0eeF1O83UdV72/9SKveuE6ZVnOkIwClMGH\n"
                              "c5PLD5KuCzhhDVyalKkxdAnwBSs3RnTfPXhi/je+46/7G65RmynK2cWfhdxyQhZa\n"
                              "pReoS6+BAgMBAAECgf9U/NVhA6uLzw3VUuc2NvkN1PHedWQZHrIqhmCD8z5XoJ7j\n"
                              "qCuAAn6/XrJkhXhUIapNoQSa2UUr06aLyU3LkK0CylBINZaTsx4Rf6eXbbrYHT3I\n"
                              "2u05hl6A0aoHNHfoC9b01U2kMTojVkZVIE05kImWCVHadLji1XXf/D7Ak7duaCMH\n"
                              "S8xU3K5ln20cZpnDSSwwEcgvd5DUq+yZYCx8pnN2aP3l+QtJ/N251J6FugrZq/xk\n"
                              "ZXrIKWl60MfsgEqnzdjhO2xqFr3mLVFXedYZFrLq3Fy7P2FLJBbKZbA8tESOgTCX\n"
                              "Gf1oXcrs4l0wdmCzOI4cEfgi+IMZ+aPHU/+zo5kCgYEA3nQ42xdwjIt6IIFqswaN\n"
                              "1tkPRn2AtDAqUjmyp84Q2cgf4WRinu05fnfjdNZcxk67hVrBUbsd7t5JYRSU8+o8\n"
                              "3qSpAQhm/gadtahTV2cpCSk68q5VBNynF3On98ws1+jAPAVN/7gweKzjgnsxcOJd\n"
                              "c4JZ7t9ZrH+2FvIL+4w+eikCgYEAzd0KTk3tRGdW6qjkFpqgNt8T/wWbcqXVc+jh\n"
                              "xLi+9jmfbK7Rg5q77fckbqEWO0sN4B1rA9XWseMEV24BRmIdHdLfOjVt5VwrNe3E\n"
                              "kG2HuJn/1OVEmwKNyJxpc3gAToxOc5Y7E52wHsCXpIfpC+RgsaQPEHYagmj4ajiE\n"
                              "h6f+5ZkCgYBhcALfZHr19Ln/tvAnjn1eWCEqvRo80sQW1BL/EXGsEs50CWZxOnNu\n"
                              "g9DrgmGMszvMA56d0BoiYNc/YKaF2FnlI7arLyT9q6Q0x5AJvrPowViCp/2xbXz6\n"
                              "9rvh/FrAD8D0CVbK5cDFeuUEaDWVvnE0gSonSUmcFyyJDGhXPGy5UQKBgEQ59aht\n"
                              "+yyocw3iW3WCWYbV9/KVESe1/kAj9m8UK3W/My754UYUiiQbvF9N0+hiv35/QXBL\n"
                              "9pOOAWpYcuO4sJ2pvYG1I27YVRnSa0rSgiCUKU2NjmcxOXw7GlfCdZeSuI1mRL4D\n"
                              "jNMkUR2eTYY7cjBthvCVs8N0tp+9i27KJphBAoGBAIG7ZHkXaAEu0JnX2zDMcvRz\n"
                              "ozkNj2oewROMPIdYURm/YN5iTfD+TKQHpiI43aWCCLS2NJlBieIL2cJyKt7oPKnd\n"
                              "YgHnRZRLtW5vUnMCKL6gY6SfsruGi2T5e+8Lzd1CGRmlTFXAzIfdO2gaBzA4AQ05\n"
                              "R/9TIf90mKpG7dm+Q6lk\n"
                              "-----END PRIVATE KEY-----\n";
static const char tk_rsa4[] = "-----BEGIN PRIVATE KEY-----\n"
                              "MIIEvwIBADANBgkqhkiG9w0BAQEFAASCBKkwggSlAgEAAoIBAQDEyuNDI/NFamer\n"
                              "QcRK/KsXKOaNFAQh4rqBufRE2RxtTzN3E1EqoiQ9+si7HdOWVN2crIWZ5kwizI41\n"
                              "pB3zVD3OZ8/sO2xFT6JSAxzlG1PXdMCPuqpm704EPNlhSQqPuqLsEDUxrWKykGdQ\n"
                              "4O1uuDAvPtfI48dYD0swc3fUR8LUJXtMcGKixtn6WyhvCNntmvUTJRvJpY/I34up\n"
                              "eWB2xGlDq2qxVZWlYfrYMeQay6JYWwhC+EVYEpCj6kj/WjuV5Fn8QVwRD9FpZBdk\n"
                              "n1RifbIKXQrjC6JxL6Jde9E4FmnYC/gtALqlrDKwCg2OrE/wYuW1JW6sA2MNYivL\n"
                              "yQQlaxB9AgMBAAECggEACGMPNOZA1XDg1zIA/doBlYW972KTNsvr+2BjrcMyuk9Q\n"
                              "TtYSR0bMeQwJneGewNE29hjrVZW0s/hl9k//6w8fRBF+bNHmFOHYvuzBwJIwFX1H\n"
                              "QaabBiB3ysxMzo2wkpyS4x7PJGsSpou0PvI/HD7Q5lO2Prx6bappxEqkFj971tMf\n"
                              "13DxkE64FFNEoZkCbn6CAoRtQIq1LwitM4QbcvhyxOsYqIKVUGuBTRpQ1JjN0yiR\n"
                              "vv4Zb6+w3SsKT+a607+IvzOV79N4le6NMxaQYSd22lMgSaTOnWnAkf7MI2WcAxIH\n"
                              "IfkuLrsGj4D/Rh93fk+vaPrD1UBdvO/4DxHKl4CEvwKBgQDgdBiaKGQjUauZ+a7V\n"
                              "yrmqHj3vN0UFXMtCqh4bXirMQpvIEzCMCep0lu2bOljXHhMQbtD96lNlAi56JEG4\n"
                              "sLFyiyFyF+/ITI+C55i9L8pQhQbha0rtCcMUZvPazQPscPyn68XNDAFMueAY19Fj\n"
                              "ZyvDaULB+xkWtQTBsXDBOdmMewKBgQDgc4qryVwtVDTi5FBRUPf2y4oehMbJrMtP\n"
                              "/dDhShPBPWiohrzBoZ/WzbfGzLKMHq0muXM3KO2YiAHDNTcfdt8f/cWnSfKLGGsZ\n"
                              "Tck17oRSYmKT2S/Ug4+zCNkeIg8iFZFn/lG6vwmO4uKBNgFDuHk5MEmlnMqtlwMT\n"
                              "SeUYQQAxZwKBgQCREpjAMvEeXvAyEk6twl0klm1ji26iG6sIyJmzCLdS1I6Jz9Vl\n"
                              "/ha7Cr5CwYCgccDSsz2DkIwcUj+mFH8iF5pptYGFk/EYnlt3uadgSF5Uktaypj2E\n"
                              "XfXn3u8ocbBih1jWVC7B7Et+wvkUNZIR1KJVqFhMtrYtlgygAMcnLPPutwKBgQCU\n"
                              "a7MSP9gFXX6PXtzBuOIPv6542eI98FaNcdDTeVGw4fO4JUjiXgc9WtGg0zFqOMrV\n"
                              "JaLLofPjfmRz+leWJdwL4pr2MY8CbcY8eFSKpku30rlO/TqEs+6tPDeelnUdW9fI\n"
                              "RcMz0yn145BWUyjo6C65I3Y/3nuj6I0vDxlAPZNsFwKBgQDgO1e8cbSaIlqjlgET\n"
                              "qzz20uxspD+gMe0UTcwuYbu4RP3bYdAojBr/YD2gNVWLaebGTdrX8r/nk2CBdoDz\n"
                              "SEAjoCrs1zIwy5BjP+XHYp8rfbZYp8uZUscldocBU/RFNTgnIO2T4JhFafkzseX0\n"
                              "L9K8HFM2Q0GhFIC36mDCNK92KA==\n"
                              "-----END PRIVATE KEY-----\n";
static const char tk_p256_1[] = "-----BEGIN PRIVATE KEY-----\n"
                                "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgL89u1iwzlFphs0O/\n"
                                "IF0hCk1YicwJMJg7TSCu8htNrnShRANCAAQlu5odOmuwqpzzctS6F8mMRxuMsRdn\n"
                                "omgO9OefwYue/hHRBGwqA4oLIvWDxECP3ugzQoHIP3wGNCzVXqMsGcOY\n"
                                "-----END PRIVATE KEY-----\n";
static const char tk_p256_2[] = "-----BEGIN PRIVATE KEY-----\n"
                                "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgKWQOh5Ykqb+37qbb\n"
                                "TVzJrEb23nHu9EXJDHhzzxpqZ+ahRANCAARlAGdLqzPU/w+o1MBS1YXTFfqdddJr\n"
                                "CnxbbK1wIMzXn+rcKPEHNccyK+4ofwFLhO8/WUVDn4xoFPmiacHHcNlU\n"
                                "-----END PRIVATE KEY-----\n";
static const char tk_p256_3[] = "-----BEGIN PRIVATE KEY-----\n"
                                "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgYNaleVJWeA23pIeR\n"
                                "5c8ebuy4eIJeggx0WCRtzS4RNxihRANCAAQOyM5gsYe62c+WL499cBJw+x2E11GI\n"
                                "4+jgPLn9FXS/a34MlZ/fPoPWIYm6gnTl/U/pVNi4GMyNVx2coRg8qJkw\n"
                                "-----END PRIVATE KEY-----\n";

static const char *const TK_RSA[] = {tk_rsa1, tk_rsa2, tk_rsa3, tk_rsa4};
static const char *const TK_EC[] = {tk_p256_1, tk_p256_2, tk_p256_3};

#endif
