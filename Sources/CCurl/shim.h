#ifndef IMAGEBUMP_CCURL_SHIM_H
#define IMAGEBUMP_CCURL_SHIM_H
#include <curl/curl.h>

/* Swift cannot call the variadic curl_easy_setopt / curl_easy_getinfo: typed wrappers. */
typedef size_t (*ib_curl_data_cb)(char *ptr, size_t size, size_t nmemb, void *userdata);

static inline CURLcode ib_setopt_long(CURL *h, CURLoption o, long v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode ib_setopt_string(CURL *h, CURLoption o, const char *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode ib_setopt_pointer(CURL *h, CURLoption o, void *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode ib_setopt_slist(CURL *h, CURLoption o, struct curl_slist *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode ib_setopt_callback(CURL *h, CURLoption o, ib_curl_data_cb cb) { return curl_easy_setopt(h, o, cb); }
static inline CURLcode ib_setopt_off_t(CURL *h, CURLoption o, curl_off_t v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode ib_getinfo_long(CURL *h, CURLINFO i, long *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode ib_getinfo_string(CURL *h, CURLINFO i, char **v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode ib_getinfo_off_t(CURL *h, CURLINFO i, curl_off_t *v) { return curl_easy_getinfo(h, i, v); }

/* Options and infos as plain constants (some are built by macros in curl.h). */
static const CURLoption IB_CURLOPT_URL = CURLOPT_URL;
static const CURLoption IB_CURLOPT_CUSTOMREQUEST = CURLOPT_CUSTOMREQUEST;
static const CURLoption IB_CURLOPT_HTTPHEADER = CURLOPT_HTTPHEADER;
static const CURLoption IB_CURLOPT_POSTFIELDS = CURLOPT_POSTFIELDS;
static const CURLoption IB_CURLOPT_POSTFIELDSIZE_LARGE = CURLOPT_POSTFIELDSIZE_LARGE;
static const CURLoption IB_CURLOPT_POST = CURLOPT_POST;
static const CURLoption IB_CURLOPT_HTTPGET = CURLOPT_HTTPGET;
static const CURLoption IB_CURLOPT_NOBODY = CURLOPT_NOBODY;
static const CURLoption IB_CURLOPT_WRITEFUNCTION = CURLOPT_WRITEFUNCTION;
static const CURLoption IB_CURLOPT_WRITEDATA = CURLOPT_WRITEDATA;
static const CURLoption IB_CURLOPT_HEADERFUNCTION = CURLOPT_HEADERFUNCTION;
static const CURLoption IB_CURLOPT_HEADERDATA = CURLOPT_HEADERDATA;
static const CURLoption IB_CURLOPT_ERRORBUFFER = CURLOPT_ERRORBUFFER;
static const CURLoption IB_CURLOPT_NOSIGNAL = CURLOPT_NOSIGNAL;
static const CURLoption IB_CURLOPT_TIMEOUT_MS = CURLOPT_TIMEOUT_MS;
static const CURLoption IB_CURLOPT_CONNECTTIMEOUT_MS = CURLOPT_CONNECTTIMEOUT_MS;
static const CURLoption IB_CURLOPT_LOW_SPEED_LIMIT = CURLOPT_LOW_SPEED_LIMIT;
static const CURLoption IB_CURLOPT_LOW_SPEED_TIME = CURLOPT_LOW_SPEED_TIME;
static const CURLoption IB_CURLOPT_SSL_VERIFYPEER = CURLOPT_SSL_VERIFYPEER;
static const CURLoption IB_CURLOPT_SSL_VERIFYHOST = CURLOPT_SSL_VERIFYHOST;
static const CURLoption IB_CURLOPT_CAINFO = CURLOPT_CAINFO;
static const CURLoption IB_CURLOPT_FOLLOWLOCATION = CURLOPT_FOLLOWLOCATION;
static const CURLoption IB_CURLOPT_PROTOCOLS_STR = CURLOPT_PROTOCOLS_STR;
static const CURLoption IB_CURLOPT_ACCEPT_ENCODING = CURLOPT_ACCEPT_ENCODING;
static const CURLoption IB_CURLOPT_USERAGENT = CURLOPT_USERAGENT;
static const CURLoption IB_CURLOPT_PROXY = CURLOPT_PROXY;
static const CURLoption IB_CURLOPT_PROXYUSERNAME = CURLOPT_PROXYUSERNAME;
static const CURLoption IB_CURLOPT_PROXYPASSWORD = CURLOPT_PROXYPASSWORD;
static const CURLoption IB_CURLOPT_PROXYAUTH = CURLOPT_PROXYAUTH;
static const CURLoption IB_CURLOPT_HTTPPROXYTUNNEL = CURLOPT_HTTPPROXYTUNNEL;
static const long IB_CURLAUTH_BASIC = (long)CURLAUTH_BASIC;
static const CURLINFO IB_CURLINFO_RESPONSE_CODE = CURLINFO_RESPONSE_CODE;
static const CURLINFO IB_CURLINFO_HTTP_CONNECTCODE = CURLINFO_HTTP_CONNECTCODE;
static const CURLINFO IB_CURLINFO_REDIRECT_URL = CURLINFO_REDIRECT_URL;
static const CURLINFO IB_CURLINFO_SIZE_DOWNLOAD_T = CURLINFO_SIZE_DOWNLOAD_T;
#endif
