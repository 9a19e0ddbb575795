#include "crpki/error.h"

#include <stddef.h>

typedef struct {
    const char *name;
    const char *en;
    const char *ja;
} err_text;

/* Indexed by crpki_err; a test checks that every code has all three. */
static const err_text TEXTS[CRPKI_E__COUNT] = {
    [CRPKI_OK] = {"CRPKI_OK", "success", "正常に終了しました。"},
    [CRPKI_E_INVALID_ARG] = {"CRPKI_E_INVALID_ARG", "invalid argument",
                             "アプリケーションから不正な値が渡されました。"},
    [CRPKI_E_BUFFER_TOO_SMALL] = {"CRPKI_E_BUFFER_TOO_SMALL", "buffer too small",
                                  "結果を格納する領域が不足しています。"},
    [CRPKI_E_NOT_SUPPORTED] = {"CRPKI_E_NOT_SUPPORTED", "operation or algorithm not supported",
                               "この操作またはアルゴリズムには対応していません。"},
    [CRPKI_E_CANCELLED] = {"CRPKI_E_CANCELLED", "cancelled by the user",
                           "署名はキャンセルされました。"},
    [CRPKI_E_DEADLINE] = {"CRPKI_E_DEADLINE", "time limit reached before the signature",
                          "制限時間内に署名が完了しませんでした。もう一度お試しください。"},
    [CRPKI_E_NO_MEMORY] = {"CRPKI_E_NO_MEMORY", "out of memory", "メモリが不足しています。"},
    [CRPKI_E_CONFIG] = {"CRPKI_E_CONFIG", "invalid configuration (config.json)",
                        "設定ファイル（config.json）に誤りがあります。管理ツールで設定を確認して"
                        "ください。"},
    [CRPKI_E_IO] = {"CRPKI_E_IO", "file read or write failed",
                    "ファイルの読み書きに失敗しました。"},
    [CRPKI_E_LOCK] = {"CRPKI_E_LOCK", "could not take the cross-process lock",
                      "他の処理が終わるのを待てませんでした。しばらくしてからお試しください。"},
    [CRPKI_E_TOKEN_STORE] =
        {"CRPKI_E_TOKEN_STORE", "token store unreadable",
         "ログイン情報を読み取れません。管理ツールで再度ログインしてください。"},
    [CRPKI_E_NOT_LOGGED_IN] =
        {"CRPKI_E_NOT_LOGGED_IN", "not logged in (or the login expired)",
         "G ビズ ID にログインしていないか、ログインの有効期限が切れています。"
         "管理ツールでログインしてください。"},
    [CRPKI_E_UNAUTHORIZED] = {"CRPKI_E_UNAUTHORIZED", "the service refused the access token",
                              "署名サービスに認証されませんでした。管理ツールで再度ログインして"
                              "ください。"},
    [CRPKI_E_NETWORK] = {"CRPKI_E_NETWORK", "cannot connect to the signing service",
                         "署名サービスに接続できません。ネットワークとプロキシの設定を確認して"
                         "ください。"},
    [CRPKI_E_TLS] =
        {"CRPKI_E_TLS", "TLS connection or server certificate verification failed",
         "署名サービスとの安全な通信を確立できません（サーバ証明書を検証できません）。"},
    [CRPKI_E_PROXY] = {"CRPKI_E_PROXY", "the proxy refused or failed the connection",
                       "プロキシサーバ経由で接続できません。プロキシの設定を確認してください。"},
    [CRPKI_E_TIMEOUT] = {"CRPKI_E_TIMEOUT", "the signing service did not answer in time",
                         "署名サービスから時間内に応答がありませんでした。"},
    [CRPKI_E_BUSY] = {"CRPKI_E_BUSY", "the signing service is busy (429/503)",
                      "署名サービスが混み合っています。しばらくしてからお試しください。"},
    [CRPKI_E_SERVICE] = {"CRPKI_E_SERVICE", "the signing service reported an error",
                         "署名サービスでエラーが発生しました。"},
    [CRPKI_E_PROTOCOL] = {"CRPKI_E_PROTOCOL", "malformed response from the signing service",
                          "署名サービスから不正な応答を受け取りました。"},
    [CRPKI_E_UNKNOWN_CREDENTIAL] = {"CRPKI_E_UNKNOWN_CREDENTIAL",
                                    "no such credential for this user",
                                    "指定された証明書が見つかりません。管理ツールで証明書を設定し"
                                    "直してください。"},
    [CRPKI_E_UNSUPPORTED_ALG] = {"CRPKI_E_UNSUPPORTED_ALG",
                                 "hash or signature algorithm not supported by the key",
                                 "このハッシュ／署名アルゴリズムはこの鍵では使用できません。"},
    [CRPKI_E_BAD_HASH] = {"CRPKI_E_BAD_HASH", "hash of the wrong length or count",
                          "署名対象のハッシュ値が不正です。"},
    [CRPKI_E_DENIED] = {"CRPKI_E_DENIED", "denied in the gBizID app",
                        "G ビズ ID アプリで署名が拒否されました。"},
    [CRPKI_E_APPROVAL_EXPIRED] = {"CRPKI_E_APPROVAL_EXPIRED",
                                  "the approval request expired before it was approved",
                                  "承認の有効期限が切れました。もう一度署名してください。"},
    [CRPKI_E_SAD_REJECTED] = {"CRPKI_E_SAD_REJECTED",
                              "the service refused the signature activation data",
                              "署名の承認情報が無効になりました。もう一度署名してください。"},
    [CRPKI_E_BAD_SIGNATURE] = {"CRPKI_E_BAD_SIGNATURE",
                               "a signature from the service did not verify",
                               "署名サービスから返された署名を検証できませんでした。"},
    [CRPKI_E_SILENT] =
        {"CRPKI_E_SILENT", "approval is needed but the caller asked for no user interface",
         "署名には G ビズ ID アプリでの承認が必要ですが、アプリケーションが画面表示を"
         "禁止しています。"},
    [CRPKI_E_NO_KEY] =
        {"CRPKI_E_NO_KEY", "no such key: no certificate selected in the key catalog",
         "署名に使う証明書が設定されていません。管理ツールで証明書を選択してください。"},
    [CRPKI_E_INTERNAL] = {"CRPKI_E_INTERNAL", "internal error",
                          "内部エラーが発生しました。ログを添えてお問い合わせください。"},
    [CRPKI_E_BAD_CERT] =
        {"CRPKI_E_BAD_CERT",
         "certificate from the service failed its checks (chain, validity or key usage)",
         "署名サービスから受け取った証明書を確認できませんでした（発行元、有効期間または用途）。"
         "この証明書は署名に使えません。"},
};

static const err_text *text(crpki_err e)
{
    static const err_text unknown = {"CRPKI_E_UNKNOWN", "unknown error",
                                     "不明なエラーが発生しました。"};
    if ((int)e < 0 || e >= CRPKI_E__COUNT || !TEXTS[e].name)
        return &unknown;
    return &TEXTS[e];
}

const char *crpki_strerror(crpki_err e)
{
    return text(e)->en;
}

const char *crpki_strerror_ja(crpki_err e)
{
    return text(e)->ja;
}

const char *crpki_err_name(crpki_err e)
{
    return text(e)->name;
}

int crpki_err_is_network(crpki_err e)
{
    switch (e) {
    case CRPKI_E_NETWORK:
    case CRPKI_E_TLS:
    case CRPKI_E_PROXY:
    case CRPKI_E_TIMEOUT:
    case CRPKI_E_BUSY:
    case CRPKI_E_SERVICE:
    case CRPKI_E_PROTOCOL:
        return 1;
    default:
        return 0;
    }
}
