;;; eglot.el --- batch Emacs runs the README's eglot recipe against dmalint lsp  -*- lexical-binding: t -*-
;; As a developer runs it: the README's recipe ($DMALINT_EMACS_RECIPE, the elisp block of its
;; Emacs section, as it stands) is loaded like init.el, a C file of the tree is visited, eglot is
;; started as `M-x eglot' would (eglot-ensure, then the command loop's post-command-hook, which
;; batch mode has no loop to run), and the diagnostics Flymake shows are written to
;; $DMALINT_EMACS_OUT as JSON.
(require 'json)
(load (getenv "DMALINT_EMACS_RECIPE") nil t)
(require 'eglot)
(setq eglot-sync-connect t)
(find-file (getenv "DMALINT_EMACS_FILE"))
(eglot-ensure)
(run-hooks 'post-command-hook)
(let ((deadline (+ (float-time) 90)))
  (while (and (< (float-time) deadline) (null (flymake-diagnostics)))
    (accept-process-output nil 0.1)))
(let ((shown
       (mapcar (lambda (d)
                 (let ((beg (flymake-diagnostic-beg d)))
                   (save-excursion
                     (goto-char beg)
                     `((line . ,(line-number-at-pos beg))
                       (character . ,(- beg (line-beginning-position)))
                       (type . ,(symbol-name (flymake-diagnostic-type d)))
                       (text . ,(flymake-diagnostic-text d))))))
               (flymake-diagnostics)))
      (server (eglot-current-server)))
  (with-temp-file (getenv "DMALINT_EMACS_OUT")
    (insert (json-encode `((diagnostics . ,(vconcat shown))
                           (server . ,(and server (plist-get (eglot--server-info server) :name))))))))
(kill-emacs 0)
