/* The management tool window's class, messages and control IDs: what a
 * test (or an accessibility tool) finds the controls by. */
#ifndef CRPKI_MGMT_GUI_GUI_IDS_H
#define CRPKI_MGMT_GUI_GUI_IDS_H

#define GUI_WINDOW_CLASS L"CrpkiManagementTool"
#define GUI_MUTEX_NAME   L"Local\\CrpkiManagementTool.SingleInstance"

/* The pages, in the order of the guideline's §5.1 walk-through, then the
 * administrator's tools. The navigation list holds them in this order. */
enum {
    GUI_PAGE_NETWORK, /* 1. 通信環境設定 */
    GUI_PAGE_LOGIN,   /* 2. G ビズ ID 認証 */
    GUI_PAGE_CERTS,   /* 3. 証明書一覧取得 */
    GUI_PAGE_USE,     /* 4. 証明書設定 */
    GUI_PAGE_LOGOUT,  /* 5. G ビズ ID 認証解除 */
    GUI_PAGE_STATUS,  /* 状態 (and where the log is) */
    GUI_PAGE_SIGN,    /* テスト署名 */
    GUI_PAGE_EXPORT,  /* 証明書の保存 */
    GUI_PAGE_HISTORY, /* 署名履歴 */
    GUI_PAGE_COUNT
};

enum {
    IDC_NAV = 100,  /* list box of the pages */
    IDC_PAGE_TITLE, /* the page's heading */
    IDC_PAGE_HELP,  /* what the page is for, what to do */
    IDC_BUSY = 110, /* progress bar (marquee while a job runs) */
    IDC_STATUS,     /* the last job's outcome or progress, in Japanese */
    IDC_CANCEL,     /* キャンセル: the running job */
    IDC_DETAIL,     /* read-only: the error's detail and what to do */

    /* 1. 通信環境設定 */
    IDC_PX_NONE = 200,
    IDC_PX_SYSTEM,
    IDC_PX_MANUAL,
    IDC_PX_HOST,
    IDC_PX_PORT,
    IDC_PX_USER,
    IDC_PX_PASS,
    IDC_PX_BASIC,
    IDC_PX_SIGNON,
    IDC_PX_NOTE,
    IDC_SVC_URL,
    IDC_SVC_NOTE,
    IDC_NET_SAVE,
    IDC_NET_TEST,

    /* 2. G ビズ ID 認証 */
    IDC_LOGIN_STATE = 300,
    IDC_LOGIN,
    IDC_LOGIN_URL,
    IDC_LOGIN_OPEN,

    /* 3. 証明書一覧 */
    IDC_CERT_LIST = 400,
    IDC_CERT_REFRESH,

    /* 4. 証明書設定 */
    IDC_USE_CERT = 500,
    IDC_USE_CSP,
    IDC_USE_KSP,
    IDC_USE_BOTH,
    IDC_USE_SET,
    IDC_USE_UNSET,

    /* 5. G ビズ ID 認証解除 */
    IDC_LOGOUT_REMOVE = 600,
    IDC_LOGOUT,

    /* 状態 */
    IDC_STATUS_LIST = 700,
    IDC_STATUS_RUN,
    IDC_LOG_PATH,
    IDC_LOG_OPEN,

    /* テスト署名 */
    IDC_SIGN_FILES = 800,
    IDC_SIGN_BROWSE,
    IDC_SIGN_PROV,
    IDC_SIGN_RUN,
    IDC_SIGN_RESULT,

    /* 証明書の保存 */
    IDC_EXP_USER = 900,
    IDC_EXP_CA,
    IDC_EXP_DER,
    IDC_EXP_PEM,
    IDC_EXP_PATH,
    IDC_EXP_BROWSE,
    IDC_EXP_SAVE,

    /* 署名履歴 */
    IDC_HIST_SINCE = 1000,
    IDC_HIST_OUTCOME,
    IDC_HIST_SHOW,
    IDC_HIST_LIST,
    IDC_HIST_CSV,
};

#endif
