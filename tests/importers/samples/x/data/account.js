window.YTD.account.part0 = [
 {
  "account": {
   "email": "humas@example.invalid",
   "createdVia": "web",
   "username": "dp3ap2kbjateng",
   "accountId": "9999",
   "createdAt": "2015-01-01T00:00:00.000Z",
   "accountDisplayName": "DP3AP2KB Jateng"
  }
 }
]